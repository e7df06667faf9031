import Foundation

/// Kubernetes timestamps: `metav1.Time` is RFC 3339 with second precision and a `Z` suffix,
/// `metav1.MicroTime` carries six fractional digits.
public enum KubeTime {
    public static func format(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    public static func formatMicro(_ date: Date) -> String {
        let whole = date.timeIntervalSince1970.rounded(.down)
        let micros = Int(((date.timeIntervalSince1970 - whole) * 1_000_000).rounded(.down))
        let base = format(Date(timeIntervalSince1970: whole))
        return String(base.dropLast()) + String(format: ".%06dZ", micros)
    }

    /// Parses both second and fractional-second RFC 3339 forms (`Z` or numeric offsets).
    public static func parse(_ text: String) -> Date? {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime]
        return f.date(from: text)
    }
}

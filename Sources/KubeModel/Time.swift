import Foundation

/// Kubernetes timestamps: `metav1.Time` is RFC 3339 with second precision and a `Z` suffix,
/// `metav1.MicroTime` carries six fractional digits.
///
/// Guarantees: formatting is UTC in the proleptic Gregorian calendar, truncating (never rounding up)
/// to the second or microsecond, so a time never prints later than it is; `parse` accepts exactly
/// RFC 3339's `date-time` (`T` separator, optional fraction of any length, `Z` or `±hh:mm`) with
/// every field range-checked, and returns nil for anything else. Pure arithmetic: no calendar,
/// locale or ICU data is touched (the operator writes these on every status and Event).
public enum KubeTime {
    public static func format(_ date: Date) -> String {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        var out = [UInt8](repeating: 0, count: 20)
        writeDateTime(Int64(seconds), into: &out)
        out[19] = UInt8(ascii: "Z")
        return String(decoding: out, as: UTF8.self)
    }

    public static func formatMicro(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        let whole = t.rounded(.down)
        let micros = min(999_999, max(0, Int(((t - whole) * 1_000_000).rounded(.down))))
        var out = [UInt8](repeating: 0, count: 27)
        writeDateTime(Int64(whole), into: &out)
        out[19] = UInt8(ascii: ".")
        writeDigits(micros, count: 6, into: &out, at: 20)
        out[26] = UInt8(ascii: "Z")
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses both second and fractional-second RFC 3339 forms (`Z` or numeric offsets).
    public static func parse(_ text: String) -> Date? {
        var text = text
        return text.withUTF8(parse(bytes:))
    }

    private static func parse(bytes b: UnsafeBufferPointer<UInt8>) -> Date? {
        guard b.count >= 20, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"), b[10] == UInt8(ascii: "T"),
              b[13] == UInt8(ascii: ":"), b[16] == UInt8(ascii: ":"),
              let year = digits(b, 0, 4), let month = digits(b, 5, 2), let day = digits(b, 8, 2),
              let hour = digits(b, 11, 2), let minute = digits(b, 14, 2), let second = digits(b, 17, 2),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour < 24, minute < 60, second < 60
        else { return nil }
        var i = 19
        var fraction = 0.0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            var scale = 0.1
            let start = i
            while i < b.count, let d = digit(b[i]) {
                fraction += Double(d) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < b.count else { return nil }
        var offset = 0
        switch b[i] {
        case UInt8(ascii: "Z"):
            i += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            guard b.count - i >= 6, b[i + 3] == UInt8(ascii: ":"),
                  let oh = digits(b, i + 1, 2), let om = digits(b, i + 4, 2), oh < 24, om < 60 else { return nil }
            offset = (oh * 60 + om) * 60 * (b[i] == UInt8(ascii: "-") ? -1 : 1)
            i += 6
        default:
            return nil
        }
        guard i == b.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86_400 + hour * 3_600 + minute * 60 + second - offset
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    // MARK: calendar arithmetic (Howard Hinnant's days-from-civil algorithms)

    /// Days since 1970-01-01 of a proleptic Gregorian date.
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The proleptic Gregorian date `days` after 1970-01-01.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Writes `YYYY-MM-DDTHH:MM:SS` (19 bytes) for whole seconds since the epoch.
    private static func writeDateTime(_ seconds: Int64, into out: inout [UInt8]) {
        let s = Int(seconds)
        let days = s >= 0 ? s / 86_400 : (s - 86_399) / 86_400
        let secondOfDay = s - days * 86_400
        let (year, month, day) = civilFromDays(days)
        writeDigits(year, count: 4, into: &out, at: 0)
        out[4] = UInt8(ascii: "-")
        writeDigits(month, count: 2, into: &out, at: 5)
        out[7] = UInt8(ascii: "-")
        writeDigits(day, count: 2, into: &out, at: 8)
        out[10] = UInt8(ascii: "T")
        writeDigits(secondOfDay / 3_600, count: 2, into: &out, at: 11)
        out[13] = UInt8(ascii: ":")
        writeDigits(secondOfDay / 60 % 60, count: 2, into: &out, at: 14)
        out[16] = UInt8(ascii: ":")
        writeDigits(secondOfDay % 60, count: 2, into: &out, at: 17)
    }

    private static func writeDigits(_ value: Int, count: Int, into out: inout [UInt8], at start: Int) {
        var v = max(0, value)
        for i in stride(from: start + count - 1, through: start, by: -1) {
            out[i] = UInt8(ascii: "0") + UInt8(v % 10)
            v /= 10
        }
    }

    private static func digit(_ byte: UInt8) -> Int? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func digits(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ count: Int) -> Int? {
        var value = 0
        for i in start..<start + count {
            guard let d = digit(b[i]) else { return nil }
            value = value * 10 + d
        }
        return value
    }
}

/// Whole-string checks for the name and key syntaxes Kubernetes validates with regular
/// expressions (apimachinery's `util/validation`), byte by byte.
///
/// Guarantees: each check is true exactly when all of the string matches the format named
/// in its doc comment as Go's RE2 matches it (the API server's engine): anchors do not match
/// before a trailing newline, and only ASCII letters and digits count as letters and digits.
/// Lengths are not checked here; the validators that call these add their own limits.
public enum NameSyntax {
    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
    public static func isDNS1123Label(_ s: some StringProtocol) -> Bool {
        bytes(s) { dns1123Label($0, 0..<$0.count) }
    }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`
    public static func isDNS1123Subdomain(_ s: some StringProtocol) -> Bool {
        bytes(s) { b in
            var start = 0
            for i in 0...b.count where i == b.count || b[i] == UInt8(ascii: ".") {
                guard dns1123Label(b, start..<i) else { return false }
                start = i + 1
            }
            return true
        }
    }

    /// `[a-z]([-a-z0-9]*[a-z0-9])?`
    public static func isDNS1035Label(_ s: some StringProtocol) -> Bool {
        bytes(s) { token($0, 0..<$0.count, first: isLower, middle: isLowerAlnumDash, last: isLowerAlnum) }
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`: the name part of a qualified name, and a
    /// non-empty label value.
    public static func isQualifiedNamePart(_ s: some StringProtocol) -> Bool {
        bytes(s) { token($0, 0..<$0.count, first: isAlnum, middle: isNameChar, last: isAlnum) }
    }

    /// `[-._a-zA-Z0-9]+`: ConfigMap and Secret keys.
    public static func isConfigMapKey(_ s: some StringProtocol) -> Bool {
        bytes(s) { !$0.isEmpty && $0.allSatisfy(isNameChar) }
    }

    /// `body` over the string's UTF-8 bytes (in place when the string is contiguous).
    static func bytes(_ s: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        if let result = s.utf8.withContiguousStorageIfAvailable(body) { return result }
        return Array(s.utf8).withUnsafeBufferPointer(body)
    }

    static func dns1123Label(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
        token(b, range, first: isLowerAlnum, middle: isLowerAlnumDash, last: isLowerAlnum)
    }

    /// A non-empty run whose first, inner and last bytes are in the given classes (a single
    /// byte must be valid as both first and last).
    static func token(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, first: (UInt8) -> Bool,
                      middle: (UInt8) -> Bool, last: (UInt8) -> Bool) -> Bool {
        guard !range.isEmpty, first(b[range.lowerBound]), last(b[range.upperBound - 1]) else { return false }
        for i in range.dropFirst().dropLast() where !middle(b[i]) { return false }
        return true
    }

    public static func isLower(_ c: UInt8) -> Bool { c >= 0x61 && c <= 0x7A }
    public static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    public static func isLowerAlnum(_ c: UInt8) -> Bool { isLower(c) || isDigit(c) }
    public static func isLowerAlnumDash(_ c: UInt8) -> Bool { isLowerAlnum(c) || c == UInt8(ascii: "-") }
    public static func isAlpha(_ c: UInt8) -> Bool { isLower(c) || (c >= 0x41 && c <= 0x5A) }
    public static func isAlnum(_ c: UInt8) -> Bool { isAlpha(c) || isDigit(c) }
    /// `[-._a-zA-Z0-9]`
    public static func isNameChar(_ c: UInt8) -> Bool {
        isAlnum(c) || c == UInt8(ascii: "-") || c == UInt8(ascii: "_") || c == UInt8(ascii: ".")
    }
}

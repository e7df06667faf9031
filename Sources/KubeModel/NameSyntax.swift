/// Whole-string checks for the name and key syntaxes Kubernetes validates with regular
/// expressions (apimachinery's `util/validation`), byte by byte.
///
/// Guarantees: each check is true exactly when all of the string matches the format named
/// in its doc comment as Go's RE2 matches it (the API server's engine): anchors do not match
/// before a trailing newline, and only ASCII letters and digits count as letters and digits.
/// Lengths are not checked here; the validators that call these add their own limits.
public enum NameSyntax {
    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
    public static func isDNS1123Label<C: Collection<UInt8>>(_ b: C) -> Bool {
        token(b, first: isLowerAlnum, middle: isLowerAlnumDash, last: isLowerAlnum)
    }

    /// `[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*`
    public static func isDNS1123Subdomain<C: Collection<UInt8>>(_ b: C) -> Bool {
        b.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).allSatisfy { isDNS1123Label($0) }
    }

    /// `[a-z]([-a-z0-9]*[a-z0-9])?`
    public static func isDNS1035Label<C: Collection<UInt8>>(_ b: C) -> Bool {
        token(b, first: isLower, middle: isLowerAlnumDash, last: isLowerAlnum)
    }

    /// `([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]`: the name part of a qualified name, and a
    /// non-empty label value.
    public static func isQualifiedNamePart<C: Collection<UInt8>>(_ b: C) -> Bool {
        token(b, first: isAlnum, middle: isNameChar, last: isAlnum)
    }

    /// `[-._a-zA-Z0-9]+`: ConfigMap and Secret keys.
    public static func isConfigMapKey<C: Collection<UInt8>>(_ b: C) -> Bool {
        !b.isEmpty && b.allSatisfy(isNameChar)
    }

    /// A non-empty run whose first, inner and last bytes are in the given classes (a single
    /// byte must be valid as both first and last).
    static func token<C: Collection<UInt8>>(_ b: C, first: (UInt8) -> Bool, middle: (UInt8) -> Bool, last: (UInt8) -> Bool) -> Bool {
        guard let head = b.first, first(head) else { return false }
        var count = 0
        var previous = head
        for byte in b.dropFirst() {
            if count > 0, !middle(previous) { return false }
            previous = byte
            count += 1
        }
        return last(previous)
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

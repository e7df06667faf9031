import KubeModel

/// Whole-string checks for the `APILimits` patterns, byte by byte (`NameSyntax`) rather than
/// with a regex engine: validation then loads no ICU code or data into the operator.
///
/// Guarantees: each check is true exactly when the whole string matches its `APILimits` pattern
/// as the API server's RE2 matches the CRD's copy of it (`$` does not match before a trailing
/// newline); a test checks every one against the regex on generated strings.
enum Patterns {
    /// `APILimits.dns1035Label`
    static func isDNS1035Label(_ s: String) -> Bool { NameSyntax.isDNS1035Label(s) }

    /// `APILimits.dns1123Subdomain`
    static func isDNS1123Subdomain(_ s: String) -> Bool { NameSyntax.isDNS1123Subdomain(s) }

    /// `APILimits.envVarName`: `[-._a-zA-Z][-._a-zA-Z0-9]*`
    static func isEnvVarName(_ s: String) -> Bool {
        guard let first = s.utf8.first, NameSyntax.isNameChar(first), !NameSyntax.isDigit(first) else { return false }
        return s.utf8.allSatisfy(NameSyntax.isNameChar)
    }

    /// `APILimits.secretKey`: `[-._a-zA-Z0-9]+`
    static func isSecretKey(_ s: String) -> Bool { NameSyntax.isConfigMapKey(s) }

    /// `APILimits.resourceName`: `[dns-1123-subdomain/]qualified-name-part`
    static func isResourceName(_ s: String) -> Bool {
        guard let slash = s.firstIndex(of: "/") else { return NameSyntax.isQualifiedNamePart(s) }
        return NameSyntax.isDNS1123Subdomain(s[..<slash]) && NameSyntax.isQualifiedNamePart(s[s.index(after: slash)...])
    }

    /// `APILimits.quantity`: a signed decimal number, then a binary suffix (`Ki`…`Ei`), a decimal
    /// suffix (`n u m k M G T P E`) or an exponent (`e`/`E`, a signed decimal number).
    static func isQuantity(_ s: String) -> Bool {
        let b = Array(s.utf8)
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        guard decimal(b, &i) else { return false }
        let rest = b[i...]
        if rest.isEmpty { return true }
        if rest.count == 2, binaryPrefixes.contains(rest.first!), rest.last == UInt8(ascii: "i") { return true }
        if rest.count == 1, decimalSuffixes.contains(rest.first!) { return true }
        guard rest.first == UInt8(ascii: "e") || rest.first == UInt8(ascii: "E") else { return false }
        i += 1
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        return decimal(b, &i) && i == b.count
    }

    /// The key of a string that matches `APILimits.secretReference` (`${{`, spaces, `secrets.`
    /// and a secret key, spaces, `}}`); nil for any other string.
    static func secretReferenceKey(_ s: String) -> Substring? {
        guard s.hasPrefix("${{"), s.hasSuffix("}}"), s.utf8.count >= 5 else { return nil }
        var inner = Substring(s).dropFirst(3).dropLast(2)
        while inner.first == " " { inner = inner.dropFirst() }
        while inner.last == " " { inner = inner.dropLast() }
        guard inner.hasPrefix("secrets.") else { return nil }
        let key = inner.dropFirst("secrets.".count)
        return NameSyntax.isConfigMapKey(key) ? key : nil
    }

    private static let binaryPrefixes: Set<UInt8> = Set("KMGTPE".utf8)
    private static let decimalSuffixes: Set<UInt8> = Set("numkMGTPE".utf8)

    /// `([0-9]+(\.[0-9]*)?)|(\.[0-9]+)` from `i`, advancing past it.
    private static func decimal(_ b: [UInt8], _ i: inout Int) -> Bool {
        let start = i
        while i < b.count, NameSyntax.isDigit(b[i]) { i += 1 }
        let whole = i > start
        guard i < b.count, b[i] == UInt8(ascii: ".") else { return whole }
        i += 1
        let fractionStart = i
        while i < b.count, NameSyntax.isDigit(b[i]) { i += 1 }
        return whole || i > fractionStart
    }
}

/// Secret references in environment values: `${{ secrets.KEY }}`.
public enum SecretReference {
    /// The secret key a value refers to, when the value is exactly `${{ secrets.KEY }}`.
    public static func key(in value: String) -> String? {
        Patterns.secretReferenceKey(value).map(String.init)
    }

    /// Whether the value uses the `${{ … }}` expression syntax at all.
    public static func isExpression(_ value: String) -> Bool { value.contains("${{") }
}

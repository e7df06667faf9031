import Foundation

/// Regular-expression checks for the `APILimits` patterns, compiled once.
enum Patterns {
    private static let cache: [String: NSRegularExpression] = {
        var m: [String: NSRegularExpression] = [:]
        for p in [APILimits.dns1035Label, APILimits.dns1123Subdomain, APILimits.envVarName, APILimits.secretKey,
                  APILimits.resourceName, APILimits.quantity, APILimits.secretReference] {
            m[p] = try! NSRegularExpression(pattern: p)
        }
        return m
    }()

    static func matches(_ text: String, _ pattern: String) -> Bool {
        let re = cache[pattern] ?? (try! NSRegularExpression(pattern: pattern))
        return re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }
}

/// Secret references in environment values: `${{ secrets.KEY }}`.
public enum SecretReference {
    /// The secret key a value refers to, when the value is exactly `${{ secrets.KEY }}`.
    public static func key(in value: String) -> String? {
        guard Patterns.matches(value, APILimits.secretReference) else { return nil }
        let inner = value.dropFirst(3).dropLast(2).trimmingCharacters(in: .whitespaces)
        return String(inner.dropFirst("secrets.".count))
    }

    /// Whether the value uses the `${{ … }}` expression syntax at all.
    public static func isExpression(_ value: String) -> Bool { value.contains("${{") }
}

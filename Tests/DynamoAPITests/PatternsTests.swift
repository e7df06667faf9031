import Foundation
import Testing
@testable import DynamoAPI

/// The hand-written checks against the `APILimits` regexes they stand for (which the CRD
/// carries), on generated strings that mix every character class the patterns use.
struct PatternsTests {
    static let checks: [(pattern: String, check: @Sendable (String) -> Bool)] = [
        (APILimits.dns1035Label, Patterns.isDNS1035Label),
        (APILimits.dns1123Subdomain, Patterns.isDNS1123Subdomain),
        (APILimits.envVarName, Patterns.isEnvVarName),
        (APILimits.secretKey, Patterns.isSecretKey),
        (APILimits.resourceName, Patterns.isResourceName),
        (APILimits.quantity, Patterns.isQuantity),
        (APILimits.secretReference, { Patterns.secretReferenceKey($0) != nil }),
    ]

    /// Strings built from fragments that matter to some pattern, so matches are common.
    static let fragments = ["a", "z", "A", "Z", "0", "9", "-", ".", "_", "/", " ", "+", "e", "E", "i", "K", "M",
                            "m", "n", "u", "k", "${{", "}}", "secrets.", "Ki", "é", "$", "{", "}"]

    static func generated(count: Int) -> [String] {
        var rng = SystemRandomNumberGenerator()
        var out = ["", "a", "1", "-", ".", "1.5", ".5", "5.", "+.5e-3", "1E", "1e", "1Ei", "1ei", "1e3", "1.e.3",
                   "example.com/Name", "/name", "example.com/", "a/b/c", "${{ secrets.KEY }}", "${{secrets.a.b}}",
                   "${{ secrets. }}", "${{  secrets.KEY}}", "${{}}", "a..b", "a.-b", "-a", "a-"]
        for _ in 0..<count {
            let n = Int.random(in: 1...6, using: &rng)
            let body = (0..<n).map { _ in fragments.randomElement(using: &rng)! }.joined()
            out.append(body)
            // Secret references: the body as a key, with a few spaces either side.
            if n <= 2 { out.append("${{" + String(repeating: " ", count: n - 1) + "secrets." + body + " }}") }
        }
        return out
    }

    @Test(arguments: 0..<checks.count)
    func agreesWithTheRegex(_ index: Int) throws {
        let (pattern, check) = Self.checks[index]
        let regex = try NSRegularExpression(pattern: pattern)
        var matched = 0
        for s in Self.generated(count: 20_000) {
            let expected = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            #expect(check(s) == expected, "\(pattern) on \"\(s)\"")
            if expected { matched += 1 }
        }
        #expect(matched > 20, "the generated strings exercise matches of \(pattern)")
    }

    @Test(arguments: 0..<checks.count)
    func aTrailingNewlineNeverMatches(_ index: Int) {
        // ICU's `$` matches before a final newline; RE2's (the API server's) does not.
        for s in ["a\n", "1\n", "${{ secrets.K }}\n"] { #expect(!Self.checks[index].check(s)) }
    }

    @Test func secretReferenceKeys() {
        #expect(SecretReference.key(in: "${{ secrets.HF_TOKEN }}") == "HF_TOKEN")
        #expect(SecretReference.key(in: "${{secrets.a.b}}") == "a.b")
        #expect(SecretReference.key(in: "${{ secrets.HF TOKEN }}") == nil)
        #expect(SecretReference.key(in: "x${{ secrets.K }}") == nil)
    }
}

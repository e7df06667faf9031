import Foundation
import Testing
import KubeModel
@testable import KubeStandin

/// The hand-written name matchers must accept exactly what apimachinery's anchored regexes accept.
@Suite struct NameValidationTests {
    static let samples = [
        "", "a", "A", "1", "-", ".", "_", "a-", "-a", "a.b", "a..b", ".a", "a.", "my-name", "123-abc", "example.com",
        "Example.com", "a_b", "a-b_c.d", "MyName", "my.name", "x" + String(repeating: "y", count: 70), "é", "a b",
        "abc\n", "a--b", "0a", "a0", "key.name", "KEY_NAME", "..", "web-7f9c",
    ]

    /// The hand-written check the validators run for each apimachinery format.
    static let check: [String: @Sendable (String) -> Bool] = [
        NameValidation.dns1123LabelFmt: { NameSyntax.isDNS1123Label($0) },
        NameValidation.dns1123SubdomainFmt: { NameSyntax.isDNS1123Subdomain($0) },
        NameValidation.dns1035LabelFmt: { NameSyntax.isDNS1035Label($0) },
        NameValidation.qualifiedNameFmt: { NameSyntax.isQualifiedNamePart($0) },
        NameValidation.labelValueFmt: { $0.isEmpty || NameSyntax.isQualifiedNamePart($0) },
        NameValidation.configMapKeyFmt: { NameSyntax.isConfigMapKey($0) },
    ]

    @Test(arguments: [
        NameValidation.dns1123LabelFmt, NameValidation.dns1123SubdomainFmt, NameValidation.dns1035LabelFmt,
        NameValidation.qualifiedNameFmt, NameValidation.labelValueFmt, NameValidation.configMapKeyFmt,
    ])
    func matchersAgreeWithTheAnchoredRegex(fmt: String) throws {
        let regex = try NSRegularExpression(pattern: "\\A(?:" + fmt + ")\\z")
        for s in Self.samples {
            let expected = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            #expect(Self.check[fmt]!(s) == expected, "\(fmt) on \(s.debugDescription)")
        }
    }
}

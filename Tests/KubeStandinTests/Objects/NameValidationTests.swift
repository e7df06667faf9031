import Foundation
import Testing
@testable import KubeStandin

/// The hand-written name matchers must accept exactly what apimachinery's anchored regexes accept.
@Suite struct NameValidationTests {
    static let samples = [
        "", "a", "A", "1", "-", ".", "_", "a-", "-a", "a.b", "a..b", ".a", "a.", "my-name", "123-abc", "example.com",
        "Example.com", "a_b", "a-b_c.d", "MyName", "my.name", "x" + String(repeating: "y", count: 70), "é", "a b",
        "abc\n", "a--b", "0a", "a0", "key.name", "KEY_NAME", "..", "web-7f9c",
    ]

    @Test(arguments: [
        NameValidation.dns1123LabelFmt, NameValidation.dns1123SubdomainFmt, NameValidation.dns1035LabelFmt,
        NameValidation.qualifiedNameFmt, NameValidation.labelValueFmt, NameValidation.configMapKeyFmt,
    ])
    func matchersAgreeWithTheAnchoredRegex(fmt: String) throws {
        let regex = try NSRegularExpression(pattern: "\\A(?:" + fmt + ")\\z")
        for s in Self.samples {
            let expected = regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
            #expect(NameValidation.check[fmt]!(s) == expected, "\(fmt) on \(s.debugDescription)")
        }
    }
}

import Testing
@testable import KubeStandin

/// The small text rules every request goes through, now that they run on bytes and Swift
/// strings rather than Foundation's NSString bridge.
@Suite struct RequestTextTests {
    @Test func contentTypeIsTheLowercasedMediaTypeWithoutParameters() {
        func ct(_ header: String?) -> String {
            APIServer.contentType(StandinRequest(method: "PATCH", path: "/", headers: header.map { ["content-type": $0] } ?? [:]))
        }
        #expect(ct("application/merge-patch+json") == "application/merge-patch+json")
        #expect(ct(" Application/Apply-Patch+YAML ; charset=utf-8") == "application/apply-patch+yaml")
        #expect(ct("\tapplication/json\t") == "application/json")
        #expect(ct(";charset=utf-8") == "")
        #expect(ct(nil) == "")
    }

    @Test func trimmingWhitespaceDropsUnicodeSpaceAtBothEndsOnly() {
        #expect(" \t a b \u{00A0}\n".trimmingWhitespace == "a b")
        #expect("x".trimmingWhitespace == "x")
        #expect("  ".trimmingWhitespace == "")
        #expect("".trimmingWhitespace == "")
        #expect(Substring(" k in (a, b) ").trimmingWhitespace == "k in (a, b)")
    }
}

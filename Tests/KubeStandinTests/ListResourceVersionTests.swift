import Foundation
import KubeModel
import Testing
@testable import KubeStandin

/// A list's `resourceVersion`, `resourceVersionMatch`, `limit` and `continue` pick the state it
/// is served from, and refuse what the real server refuses, with its words.
@Suite struct ListResourceVersionTests {
    static func names(_ reply: Reply) -> [String]? {
        reply.json?["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
    }

    static func data(_ reply: Reply, _ name: String) -> JSONValue? {
        reply.json?["items"]?.arrayValue?.first { $0[path: ["metadata", "name"]] == .string(name) }?[path: ["data", "k"]]
    }

    /// `a` and `b` at the returned resourceVersion; afterwards `a` changed, `b` deleted, `c` created.
    static func changedAfterwards() -> (APIServer, Int64) {
        let server = APIServer()
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("a", data: ["k": "old"]))
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("b"))
        let before = server.currentResourceVersion
        _ = server.call("PUT", CoreFixtures.configMaps + "/a", body: CoreFixtures.configMap("a", data: ["k": "new"]))
        _ = server.call("DELETE", CoreFixtures.configMaps + "/b")
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("c"))
        return (server, before)
    }

    @Test(arguments: [
        (["resourceVersionMatch": "Exact"],
         #"resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided"#),
        (["resourceVersion": "0", "resourceVersionMatch": "Exact"],
         #"resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for resourceVersion "0""#),
        (["resourceVersion": "5", "resourceVersionMatch": "Newest"],
         #"resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", """#),
        (["sendInitialEvents": "true"],
         #"sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list"#),
        (["resourceVersionMatch": "Newest"],
         #"[resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, resourceVersionMatch: Unsupported value: "Newest": supported values: "Exact", "NotOlderThan", ""]"#),
    ])
    func listOptionsTheRealServerRefusesAre422(query: [String: String], errors: String) throws {
        let r = APIServer().call("GET", CoreFixtures.configMaps, query: query)
        #expect(r.status == 422)
        #expect(r.reason == "Invalid")
        #expect(r.message == #"ListOptions.meta.k8s.io "" is invalid: "# + errors)
        let details = try #require(r.json?["details"])
        #expect(details["kind"] == "ListOptions" && details["group"] == "meta.k8s.io" && details["name"] == "")
        #expect(details["causes"]?.arrayValue?.allSatisfy { $0["field"] != nil && $0["reason"] != nil } == true)
    }

    @Test func aMatchBesideAContinueTokenIs422() {
        let server = APIServer()
        for i in 0..<3 { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("cm-\(i)")) }
        let token = server.call("GET", CoreFixtures.configMaps, query: ["limit": "1"]).json?[path: ["metadata", "continue"]]?.stringValue ?? ""
        let r = server.call("GET", CoreFixtures.configMaps, query: ["continue": token, "resourceVersion": "1", "resourceVersionMatch": "NotOlderThan"])
        #expect(r.status == 422)
        #expect(r.message == #"ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided"#)
    }

    @Test func aResourceVersionBesideAContinueTokenIs400UnlessItIsZero() {
        let server = APIServer()
        for i in 0..<3 { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("cm-\(i)")) }
        let token = server.call("GET", CoreFixtures.configMaps, query: ["limit": "1"]).json?[path: ["metadata", "continue"]]?.stringValue ?? ""
        let refused = server.call("GET", CoreFixtures.configMaps, query: ["continue": token, "resourceVersion": "2"])
        #expect(refused.status == 400)
        #expect(refused.reason == "BadRequest")
        #expect(refused.message == "specifying resource version is not allowed when using continue")
        let zero = server.call("GET", CoreFixtures.configMaps, query: ["continue": token, "resourceVersion": "0"])
        #expect(zero.status == 200)
        #expect(Self.names(zero) == ["cm-1", "cm-2"])
    }

    @Test(arguments: [
        ("abc", #"invalid resource version: resourceVersion: Invalid value: "abc": strconv.ParseUint: parsing "abc": invalid syntax"#),
        ("-5", #"invalid resource version: resourceVersion: Invalid value: "-5": strconv.ParseUint: parsing "-5": invalid syntax"#),
        ("99999999999999999999", #"invalid resource version: resourceVersion: Invalid value: "99999999999999999999": strconv.ParseUint: parsing "99999999999999999999": value out of range"#),
    ])
    func aResourceVersionThatIsNoNumberIs400(rv: String, message: String) {
        let r = APIServer().call("GET", CoreFixtures.configMaps, query: ["resourceVersion": rv])
        #expect(r.status == 400)
        #expect(r.message == message)
    }

    @Test func exactServesTheStateAtThatResourceVersion() throws {
        let (server, before) = Self.changedAfterwards()
        let r = server.call("GET", CoreFixtures.configMaps, query: ["resourceVersion": String(before), "resourceVersionMatch": "Exact"])
        #expect(r.status == 200)
        #expect(Self.names(r) == ["a", "b"])
        #expect(Self.data(r, "a") == "old")
        #expect(r.json?[path: ["metadata", "resourceVersion"]] == .string(String(before)))
        // Each item is the object as stored then, its own resourceVersion included.
        let a = try #require(r.json?["items"]?.arrayValue?.first)
        #expect(Int64(a[path: ["metadata", "resourceVersion"]]?.stringValue ?? "") ?? .max <= before)
    }

    @Test func aPagedListWithAResourceVersionAndNoMatchIsExact() {
        let (server, before) = Self.changedAfterwards()
        let r = server.call("GET", CoreFixtures.configMaps, query: ["resourceVersion": String(before), "limit": "10"])
        #expect(Self.names(r) == ["a", "b"])
        #expect(r.json?[path: ["metadata", "resourceVersion"]] == .string(String(before)))
    }

    @Test(arguments: [["resourceVersionMatch": "NotOlderThan"], [:]])
    func notOlderThanServesTheCurrentState(match: [String: String]) {
        let (server, before) = Self.changedAfterwards()
        let r = server.call("GET", CoreFixtures.configMaps, query: match.merging(["resourceVersion": String(before)]) { a, _ in a })
        #expect(r.status == 200)
        #expect(Self.names(r) == ["a", "c"])
        #expect(Self.data(r, "a") == "new")
        #expect(r.json?[path: ["metadata", "resourceVersion"]] == .string(String(server.currentResourceVersion)))
    }

    @Test func continuedPagesAreTheFirstPagesSnapshot() {
        let server = APIServer()
        for name in ["a", "b", "c", "d"] { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap(name, data: ["k": "old"])) }
        let first = server.call("GET", CoreFixtures.configMaps, query: ["limit": "2"])
        #expect(Self.names(first) == ["a", "b"])
        // Changed after the first page: the rest of the list still shows the first page's state.
        _ = server.call("PUT", CoreFixtures.configMaps + "/c", body: CoreFixtures.configMap("c", data: ["k": "new"]))
        _ = server.call("DELETE", CoreFixtures.configMaps + "/d")
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("e"))
        let token = first.json?[path: ["metadata", "continue"]]?.stringValue ?? ""
        let rest = server.call("GET", CoreFixtures.configMaps, query: ["limit": "5", "continue": token])
        #expect(Self.names(rest) == ["c", "d"])
        #expect(Self.data(rest, "c") == "old")
        #expect(rest.json?[path: ["metadata", "resourceVersion"]] == first.json?[path: ["metadata", "resourceVersion"]])
    }

    @Test func exactOlderThanTheHistoryIs410() {
        let server = APIServer(options: .init(historySize: 2))
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("a"))
        let old = server.currentResourceVersion
        for i in 0..<5 { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("cm-\(i)")) }
        let r = server.call("GET", CoreFixtures.configMaps, query: ["resourceVersion": String(old), "resourceVersionMatch": "Exact"])
        #expect(r.status == 410)
        #expect(r.reason == "Expired")
        #expect(r.message == "The resourceVersion for the provided list is too old.")
        #expect(r.json?["metadata"] == [:])
    }

    @Test(arguments: ["Exact", "NotOlderThan"])
    func aResourceVersionTheServerHasNotReachedIs504AfterTheWait(match: String) {
        let server = APIServer(options: .init(futureResourceVersionWait: 0.05))
        let current = server.currentResourceVersion
        let r = server.call("GET", CoreFixtures.configMaps, query: ["resourceVersion": String(current + 100), "resourceVersionMatch": match])
        #expect(r.status == 504)
        #expect(r.reason == "Timeout")
        #expect(r.message == "Timeout: Too large resource version: \(current + 100), current: \(current)")
        #expect(r.json?[path: ["details", "causes"]] == [["reason": "ResourceVersionTooLarge", "message": "Too large resource version"]])
        #expect(r.json?[path: ["details", "retryAfterSeconds"]] == 1)
        #expect(r.header("retry-after") == "1")
    }

    @Test func aListWaitingForAResourceVersionIsServedOnceAWriteReachesIt() async throws {
        let server = APIServer(options: .init(futureResourceVersionWait: 30))
        let next = server.currentResourceVersion + 1
        let listing = Task.detached {
            server.call("GET", CoreFixtures.configMaps, query: ["resourceVersion": String(next)])
        }
        // Give the list time to start waiting; either way it must not answer before the write.
        try await Task.sleep(nanoseconds: 200_000_000)
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("late"))
        let r = await listing.value
        #expect(r.status == 200)
        #expect(Self.names(r) == ["late"])
    }
}

import Foundation
import KubeModel
import Testing
@testable import KubeStandin

@Suite struct ListSemanticsTests {
    static func seeded() -> APIServer {
        let server = APIServer()
        let labels: [(String, [String: JSONValue])] = [
            ("a", ["app": "web", "tier": "front"]),
            ("b", ["app": "web", "tier": "back"]),
            ("c", ["app": "db"]),
            ("d", [:]),
        ]
        for (name, l) in labels { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap(name, labels: l)) }
        return server
    }

    static func names(_ server: APIServer, _ query: [String: String], path: String = CoreFixtures.configMaps) -> [String]? {
        let r = server.call("GET", path, query: query)
        guard r.status == 200 else { return nil }
        return r.json?["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue }
    }

    @Test(arguments: [
        ("app=web", ["a", "b"]),
        ("app==web", ["a", "b"]),
        ("app!=web", ["c", "d"]),
        ("app in (web,db)", ["a", "b", "c"]),
        ("app notin (web)", ["c", "d"]),
        ("tier", ["a", "b"]),
        ("!tier", ["c", "d"]),
        ("app=web,tier=back", ["b"]),
        ("app=web,!tier", []),
    ])
    func labelSelectorOperators(selector: String, expected: [String]) {
        #expect(Self.names(Self.seeded(), ["labelSelector": selector]) == expected)
    }

    @Test func badSelectorsAre400() {
        let server = Self.seeded()
        #expect(server.call("GET", CoreFixtures.configMaps, query: ["labelSelector": "app in web"]).status == 400)
        #expect(server.call("GET", CoreFixtures.configMaps, query: ["labelSelector": "a=b=c"]).status == 400)
        #expect(server.call("GET", CoreFixtures.configMaps, query: ["fieldSelector": "spec.foo=bar"]).status == 400)
    }

    @Test func fieldSelectors() {
        let server = Self.seeded()
        #expect(Self.names(server, ["fieldSelector": "metadata.name=b"]) == ["b"])
        #expect(Self.names(server, ["fieldSelector": "metadata.name==c"]) == ["c"])
        #expect(Self.names(server, ["fieldSelector": "metadata.name!=a"]) == ["b", "c", "d"])
        _ = server.call("POST", "/api/v1/namespaces/kube-system/configmaps", body: CoreFixtures.configMap("sys"))
        #expect(Self.names(server, ["fieldSelector": "metadata.namespace=kube-system"], path: "/api/v1/configmaps") == ["sys"])
        #expect(Self.names(server, ["fieldSelector": "metadata.namespace!=kube-system"], path: "/api/v1/configmaps") == ["a", "b", "c", "d"])
    }

    @Test func envelopeAndItems() throws {
        let server = Self.seeded()
        let list = try #require(server.call("GET", CoreFixtures.configMaps).json)
        #expect(list["kind"] == "ConfigMapList" && list["apiVersion"] == "v1")
        #expect(list[path: ["metadata", "resourceVersion"]] == .string(String(server.currentResourceVersion)))
        let first = try #require(list["items"]?.arrayValue?.first)
        #expect(first["kind"] == nil && first["apiVersion"] == nil)
    }

    @Test func paginationAcrossPagesIsConsistentWithTheFirstPage() throws {
        let server = APIServer()
        for i in 0..<7 { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("cm-\(i)")) }
        let first = try #require(server.call("GET", CoreFixtures.configMaps, query: ["limit": "3"]).json)
        #expect(first[path: ["metadata", "remainingItemCount"]] == 4)
        let listRV = try #require(first[path: ["metadata", "resourceVersion"]])
        var token = try #require(first[path: ["metadata", "continue"]]?.stringValue)
        // Decodes to the real server's format.
        let decoded = try #require(ContinueToken(decoding: token))
        #expect(decoded.start == "cm-2")
        #expect(String(decoded.resourceVersion) == listRV.stringValue)
        var names = first["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } ?? []
        // Created after the first page: not part of this list.
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("cm-9"))
        while true {
            let page = try #require(server.call("GET", CoreFixtures.configMaps, query: ["limit": "3", "continue": token]).json)
            #expect(page[path: ["metadata", "resourceVersion"]] == listRV)
            names += page["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } ?? []
            guard let next = page[path: ["metadata", "continue"]]?.stringValue else {
                #expect(page[path: ["metadata", "remainingItemCount"]] == nil)
                break
            }
            token = next
        }
        #expect(names == (0..<7).map { "cm-\($0)" })
    }

    @Test func tokenFormatMatchesTheRecordedOne() {
        let token = ContinueToken(resourceVersion: 1, start: "web").encoded()
        #expect(token == "eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6MSwic3RhcnQiOiJ3ZWJcdTAwMDAifQ")
    }

    @Test func continueTokenOlderThanHistoryIs410() {
        let server = APIServer(options: .init(historySize: 3))
        for i in 0..<3 { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("cm-\(i)")) }
        let token = server.call("GET", CoreFixtures.configMaps, query: ["limit": "1"]).json?[path: ["metadata", "continue"]]?.stringValue ?? ""
        for i in 3..<10 { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("cm-\(i)")) }
        let r = server.call("GET", CoreFixtures.configMaps, query: ["limit": "1", "continue": token])
        #expect(r.status == 410)
        #expect(r.reason == "Expired")
        #expect(r.message?.hasPrefix("The provided continue parameter is too old to display a consistent list result.") == true)
        // The Status carries a token continuing from the same key at the current resourceVersion.
        let fresh = r.json?[path: ["metadata", "continue"]]?.stringValue.flatMap { ContinueToken(decoding: $0) }
        #expect(fresh?.start == "cm-0")
        #expect(fresh?.resourceVersion == server.currentResourceVersion)
        let rest = server.call("GET", CoreFixtures.configMaps, query: ["continue": r.json?[path: ["metadata", "continue"]]?.stringValue ?? ""])
        #expect(rest.status == 200)
        #expect(rest.json?["items"]?.arrayValue?.first?[path: ["metadata", "name"]] == "cm-1")
        #expect(server.call("GET", CoreFixtures.configMaps, query: ["continue": "garbage!"]).status == 400)
    }

    @Test func crossNamespaceListsAreSortedByNamespaceThenName() {
        let server = APIServer()
        _ = server.call("POST", "/api/v1/namespaces/kube-system/configmaps", body: CoreFixtures.configMap("a"))
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("z"))
        let r = server.call("GET", "/api/v1/configmaps")
        let keys = r.json?["items"]?.arrayValue?.compactMap { item -> String? in
            guard let ns = item[path: ["metadata", "namespace"]]?.stringValue, let n = item[path: ["metadata", "name"]]?.stringValue else { return nil }
            return "\(ns)/\(n)"
        }
        #expect(keys == ["default/z", "kube-system/a"])
    }
}

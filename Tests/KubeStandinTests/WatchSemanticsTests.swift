import Foundation
import KubeModel
import Synchronization
import Testing
@testable import KubeStandin
import TestPolling

@Suite struct WatchSemanticsTests {
    let cm = CoreFixtures.configMaps

    static func names(_ events: [JSONValue]) -> [String] {
        events.compactMap { e in
            guard let t = e["type"]?.stringValue, let n = e[path: ["object", "metadata", "name"]]?.stringValue else { return nil }
            return "\(t) \(n)"
        }
    }

    @Test func resumeFromResourceVersionReplaysLaterChanges() async {
        let server = APIServer()
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a"))
        let rv = String(server.currentResourceVersion)
        _ = server.call("POST", cm, body: CoreFixtures.configMap("b"))
        _ = server.call("PATCH", cm + "/a", body: ["data": ["k": "2"]], contentType: "application/merge-patch+json")
        _ = server.call("DELETE", cm + "/b")
        let w = server.watch(cm, query: ["resourceVersion": rv])
        #expect(await w.wait { Self.names($0) == ["ADDED b", "MODIFIED a", "DELETED b"] })
        // Then live events.
        _ = server.call("POST", cm, body: CoreFixtures.configMap("c"))
        #expect(await w.wait { Self.names($0).last == "ADDED c" })
        // Each event's resourceVersion increases.
        let rvs = w.events.compactMap { $0[path: ["object", "metadata", "resourceVersion"]]?.stringValue.flatMap { Int($0) } }
        #expect(rvs == rvs.sorted() && Set(rvs).count == rvs.count)
        w.cancel()
        #expect(await w.waitForEnd() == .cancelled)
        #expect(await pollUntil { server.openWatchCount == 0 })
    }

    /// The writer's answer and the watch event carry the same object, byte for byte (the stored
    /// form is encoded once for both).
    @Test func watchersSeeExactlyTheObjectTheWriterWasAnswered() async throws {
        let server = APIServer()
        let deployments = "/apis/apps/v1/namespaces/default/deployments"
        let w = server.watch(deployments, query: [:])
        let created = server.call("POST", deployments, body: CoreFixtures.deployment("web"))
        let patched = server.call("PATCH", deployments + "/web", body: ["spec": ["replicas": 3]], contentType: "application/merge-patch+json")
        #expect(created.status == 201 && patched.status == 200)
        #expect(await w.wait { $0.count >= 2 })
        for (event, reply) in zip(w.events, [created, patched]) {
            #expect(event["object"] == reply.json)
            #expect(JSONWire.encode(try #require(event["object"])) == reply.body)
        }
        w.cancel()
    }

    @Test func emptyOrZeroResourceVersionStartsWithSyntheticAdded() async {
        for rv in ["", "0"] {
            let server = APIServer()
            _ = server.call("POST", cm, body: CoreFixtures.configMap("a"))
            _ = server.call("POST", cm, body: CoreFixtures.configMap("b"))
            let w = server.watch(cm, query: rv.isEmpty ? [:] : ["resourceVersion": rv])
            #expect(await w.wait { Self.names($0) == ["ADDED a", "ADDED b"] })
            w.cancel()
        }
    }

    @Test func tooOldResourceVersionGetsInStreamExpired() async throws {
        let server = APIServer(options: .init(historySize: 2))
        for i in 0..<5 { _ = server.call("POST", cm, body: CoreFixtures.configMap("c\(i)")) }
        let w = server.watch(cm, query: ["resourceVersion": "2"])
        #expect(await w.waitForEnd() == .finished)
        let e = try #require(w.events.first)
        #expect(e["type"] == "ERROR")
        #expect(e[path: ["object", "code"]] == 410)
        #expect(e[path: ["object", "reason"]] == "Expired")
        #expect(e[path: ["object", "message"]]?.stringValue?.hasPrefix("too old resource version: 2 (") == true)
        #expect(Set(e["object"]?.objectValue?.keys.map { $0 } ?? []) == ["kind", "apiVersion", "metadata", "status", "message", "reason", "code"])
    }

    @Test func forcedExpiryFault() async {
        let server = APIServer()
        server.faults.expireNextWatch()
        let w = server.watch(cm, query: ["resourceVersion": String(server.currentResourceVersion)])
        #expect(await w.waitForEnd() == .finished)
        #expect(w.types() == ["ERROR"])
        let next = server.watch(cm, query: ["resourceVersion": String(server.currentResourceVersion)])
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a"))
        #expect(await next.wait { Self.names($0) == ["ADDED a"] })
        next.cancel()
    }

    @Test func bookmarksCarryOnlyTheCurrentResourceVersion() async throws {
        let server = APIServer(options: .init(bookmarkInterval: 0.05))
        let w = server.watch(cm, query: ["resourceVersion": String(server.currentResourceVersion), "allowWatchBookmarks": "true"])
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a"))
        let target = String(server.currentResourceVersion)
        #expect(await w.wait { $0.contains { $0["type"] == "BOOKMARK" && $0[path: ["object", "metadata", "resourceVersion"]]?.stringValue == target } })
        let b = try #require(w.events.last { $0["type"] == "BOOKMARK" })
        #expect(b[path: ["object", "kind"]] == "ConfigMap" && b[path: ["object", "apiVersion"]] == "v1")
        #expect(b[path: ["object", "metadata"]]?.objectValue?.keys.sorted() == ["resourceVersion"])
        w.cancel()
        // Without allowWatchBookmarks: none.
        let plain = server.watch(cm, query: ["resourceVersion": target, "timeoutSeconds": "1"])
        #expect(await plain.waitForEnd() == .finished)
        #expect(plain.types().isEmpty)
    }

    @Test func sendInitialEventsEndsWithAnnotatedBookmark() async throws {
        let server = APIServer()
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a"))
        _ = server.call("POST", cm, body: CoreFixtures.configMap("b"))
        let rv = String(server.currentResourceVersion)
        let w = server.watch(cm, query: ["sendInitialEvents": "true", "resourceVersionMatch": "NotOlderThan", "allowWatchBookmarks": "true"])
        #expect(await w.wait { $0.count >= 3 })
        #expect(w.types().prefix(3) == ["ADDED", "ADDED", "BOOKMARK"])
        let b = w.events[2]
        #expect(b[path: ["object", "metadata", "annotations", "k8s.io/initial-events-end"]] == "true")
        #expect(b[path: ["object", "metadata", "resourceVersion"]]?.stringValue == rv)
        _ = server.call("POST", cm, body: CoreFixtures.configMap("c"))
        #expect(await w.wait { Self.names($0).last == "ADDED c" })
        w.cancel()
    }

    @Test func timeoutEndsTheStream() async {
        let server = APIServer()
        let w = server.watch(cm, query: ["timeoutSeconds": "1"])
        #expect(await w.waitForEnd() == .finished)
        #expect(w.endCount == 1)
        #expect(await pollUntil { server.openWatchCount == 0 })
    }

    @Test func selectorsTurnTransitionsIntoAddedAndDeleted() async {
        let server = APIServer()
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a", labels: ["app": "web"]))
        let w = server.watch(cm, query: ["resourceVersion": String(server.currentResourceVersion), "labelSelector": "app=web"])
        let f = server.watch(cm, query: ["resourceVersion": String(server.currentResourceVersion), "fieldSelector": "metadata.name=b"])
        _ = server.call("PATCH", cm + "/a", body: ["data": ["k": "2"]], contentType: "application/merge-patch+json")
        _ = server.call("PATCH", cm + "/a", body: ["metadata": ["labels": ["app": "other"]]], contentType: "application/merge-patch+json")
        _ = server.call("POST", cm, body: CoreFixtures.configMap("b"))
        _ = server.call("PATCH", cm + "/b", body: ["metadata": ["labels": ["app": "web"]]], contentType: "application/merge-patch+json")
        _ = server.call("DELETE", cm + "/b")
        #expect(await w.wait { Self.names($0) == ["MODIFIED a", "DELETED a", "ADDED b", "DELETED b"] })
        #expect(await f.wait { Self.names($0) == ["ADDED b", "MODIFIED b", "DELETED b"] })
        w.cancel()
        f.cancel()
    }

    @Test func namespaceScopedWatchSeesOnlyItsNamespace() async {
        let server = APIServer()
        let w = server.watch(cm, query: ["resourceVersion": String(server.currentResourceVersion)])
        let all = server.watch("/api/v1/configmaps", query: ["resourceVersion": String(server.currentResourceVersion)])
        _ = server.call("POST", "/api/v1/namespaces/kube-system/configmaps", body: CoreFixtures.configMap("sys"))
        _ = server.call("POST", cm, body: CoreFixtures.configMap("mine"))
        #expect(await all.wait { Self.names($0) == ["ADDED sys", "ADDED mine"] })
        #expect(await w.wait { Self.names($0) == ["ADDED mine"] })
        w.cancel()
        all.cancel()
    }

    @Test func cutWatchesEndsMidEventAndEndWatchesFinishes() async throws {
        let server = APIServer()
        let w = server.watch(cm, query: ["resourceVersion": String(server.currentResourceVersion)])
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a"))
        #expect(await w.wait { $0.count == 1 })
        server.cutWatches()
        let end = await w.waitForEnd()
        guard case .cutMidEvent(let partial)? = end else {
            Issue.record("expected cutMidEvent, got \(String(describing: end))")
            return
        }
        #expect(!partial.isEmpty && !partial.contains(UInt8(ascii: "\n")))
        #expect(String(decoding: partial, as: UTF8.self).hasPrefix("{\"type\":\"BOOKMARK\",\"object\":{"))
        #expect(JSONParser.parse(partial) == nil)
        let w2 = server.watch(cm, query: [:])
        server.endWatches()
        #expect(await w2.waitForEnd() == .finished)
        #expect(server.openWatchCount == 0)
    }

    @Test func framesAreCompactLines() async throws {
        let server = APIServer()
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a"))
        let w = server.watch(cm, query: [:])
        #expect(await w.wait { $0.count == 1 })
        let frame = try #require(w.frames.first)
        let text = String(decoding: frame, as: UTF8.self)
        #expect(text.hasPrefix("{\"type\":\"ADDED\",\"object\":{"))
        #expect(text.hasSuffix("}\n"))
        w.cancel()
    }

    @Test func slowWatchersAreEnded() async {
        let server = APIServer(options: .init(watchBacklogLimit: 3))
        // Never started: nothing is delivered, so frames pile up.
        let response = server.handle(StandinRequest(method: "GET", path: cm, query: ["watch": "true", "resourceVersion": String(server.currentResourceVersion)]))
        guard case .watch(let stream) = response else {
            Issue.record("expected a watch")
            return
        }
        for i in 0..<5 { _ = server.call("POST", cm, body: CoreFixtures.configMap("c\(i)")) }
        #expect(server.openWatchCount == 0)
        let collector = WatchCollectorProbe()
        stream.start(onFrame: { collector.add($0) }, onEnd: { collector.finish($0) })
        #expect(await pollUntil { collector.end == .finished })
        #expect(collector.count == 3)
    }

    @Test func singleObjectWatchIsNarrowedToTheName() async {
        let server = APIServer()
        let w = server.watch(cm + "/b", query: ["resourceVersion": String(server.currentResourceVersion)])
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a"))
        _ = server.call("POST", cm, body: CoreFixtures.configMap("b"))
        #expect(await w.wait { Self.names($0) == ["ADDED b"] })
        w.cancel()
    }
}

/// Records frames and the end of a stream started by hand.
final class WatchCollectorProbe: Sendable {
    struct State { var count = 0; var end: WatchEnd? }
    let state = Mutex(State())
    func add(_: Data) { state.withLock { $0.count += 1 } }
    func finish(_ e: WatchEnd) { state.withLock { $0.end = e } }
    var count: Int { state.withLock { $0.count } }
    var end: WatchEnd? { state.withLock { $0.end } }
}

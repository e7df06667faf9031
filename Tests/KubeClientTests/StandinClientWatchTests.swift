import Foundation
import Testing
import KubeClient
import KubeModel
import KubeStandin
import TestPolling

/// The client's watches against the real stand-in: resume, large events, expiry, cancellation.
@Suite struct StandinClientWatchTests {
    let cm = ResourceDescriptor.configMaps

    @Test func watchResumesFromAResourceVersion() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        let a = try c.create(cm, namespace: "default", body: configMapJSON("a"))
        let rv = try #require(a[path: ["metadata", "resourceVersion"]]?.stringValue)
        _ = try c.create(cm, namespace: "default", body: configMapJSON("b"))
        _ = try c.patch(cm, namespace: "default", name: "a", patch: .merge(["data": ["k": "v"]]))
        try c.delete(cm, namespace: "default", name: "b")
        let watch = BackgroundWatch(c, cm, namespace: "default", options: WatchOptions(resourceVersion: rv))
        defer { watch.cancel.cancel() }
        // Exactly what happened after `rv`, in order; nothing from before.
        #expect(pollUntil { watch.seen.count >= 3 })
        #expect(watch.seen == ["ADDED b", "MODIFIED a", "DELETED b"])
        _ = try c.create(cm, namespace: "default", body: configMapJSON("c"))
        #expect(pollUntil { watch.seen.last == "ADDED c" })
        #expect(watch.error == nil)
    }

    @Test func twoMiBObjectArrivesThroughAWatch() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        let list = try c.list(cm, namespace: "default")
        let rv = try #require(list[path: ["metadata", "resourceVersion"]]?.stringValue)
        let watch = BackgroundWatch(c, cm, namespace: "default", options: WatchOptions(resourceVersion: rv))
        defer { watch.cancel.cancel() }
        #expect(pollUntil { h.api.openWatchCount == 1 })
        let blob = String(repeating: "abcdefghijklmnop", count: 2 * 1024 * 1024 / 16)
        _ = try c.create(cm, namespace: "default", body: configMapJSON("big", data: ["blob": blob]))
        #expect(pollUntil { watch.seen == ["ADDED big"] })
        let object = try #require(watch.objects.withLock { $0.first })
        #expect(object[path: ["data", "blob"]]?.stringValue == blob)
        #expect(watch.error == nil)
    }

    @Test func expiredWatchIsKubeErrorExpired() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        h.api.faults.expireNextWatch()
        let watch = BackgroundWatch(c, cm, namespace: "default", options: WatchOptions(resourceVersion: "1"))
        defer { watch.cancel.cancel() }
        #expect(pollUntil { watch.finished })
        let error = try #require(watch.error as? KubeError)
        #expect(error.isExpired)
        #expect(error.code == 410)
    }

    @Test func cancellingARunningWatchReturnsPromptly() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        let watch = BackgroundWatch(c, cm, namespace: "default", options: WatchOptions())
        #expect(pollUntil { h.api.openWatchCount == 1 })
        watch.cancel.cancel()
        // "Within a couple of seconds": a generous deadline, not a measurement.
        #expect(pollUntil(5) { watch.finished })
        #expect(watch.error == nil)
        #expect(pollUntil { h.api.openWatchCount == 0 }, "the server forgets the watch once the client leaves")
    }

    @Test func cutStreamIsATransportErrorAndTheServerKeepsServing() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        let watch = BackgroundWatch(c, cm, namespace: "default", options: WatchOptions())
        #expect(pollUntil { h.api.openWatchCount == 1 })
        _ = try c.create(cm, namespace: "default", body: configMapJSON("a"))
        #expect(pollUntil { watch.seen == ["ADDED a"] })
        h.api.cutWatches()
        #expect(pollUntil { watch.finished })
        guard case .transport = watch.error as? KubeError else {
            Issue.record("a cut stream should be a transport error, got \(String(describing: watch.error))")
            return
        }
        #expect(try c.get(cm, namespace: "default", name: "a")[path: ["metadata", "name"]] == "a")
    }

    @Test func droppedConnectionsLookLikeARestart() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        _ = try c.create(cm, namespace: "default", body: configMapJSON("kept"))
        let watch = BackgroundWatch(c, cm, namespace: "default", options: WatchOptions())
        #expect(pollUntil { h.api.openWatchCount == 1 })
        h.server.dropAllConnections()
        #expect(pollUntil { watch.finished })
        #expect(watch.error != nil)
        #expect(try c.get(cm, namespace: "default", name: "kept")[path: ["metadata", "name"]] == "kept", "state survives the drop")
    }
}

/// The client's HTTP/2 path (libcurl picks `h2` over ALPN) against the real stand-in.
@Suite struct StandinClientHTTP2Tests {
    @Test func verbsAndWatchesOverHTTP2() throws {
        let h = try StandinHarness(http2: true)
        defer { h.stop() }
        let c = try h.admin()
        let cm = ResourceDescriptor.configMaps
        let list = try c.list(cm, namespace: "default")
        let rv = try #require(list[path: ["metadata", "resourceVersion"]]?.stringValue)
        let watch = BackgroundWatch(c, cm, namespace: "default", options: WatchOptions(resourceVersion: rv))
        defer { watch.cancel.cancel() }
        #expect(pollUntil { h.api.openWatchCount == 1 })
        // Requests share the connection with the open watch (HTTP/2 streams).
        _ = try c.create(cm, namespace: "default", body: configMapJSON("a", data: ["k": "v"]))
        _ = try c.patch(cm, namespace: "default", name: "a", patch: .merge(["data": ["k": "w"]]))
        let blob = String(repeating: "q", count: 2 * 1024 * 1024)
        _ = try c.create(cm, namespace: "default", body: configMapJSON("big", data: ["blob": blob]))
        #expect(pollUntil { watch.seen == ["ADDED a", "MODIFIED a", "ADDED big"] })
        #expect(watch.objects.withLock { $0.last?[path: ["data", "blob"]]?.stringValue?.count } == blob.count)
        h.api.faults.failNext(1, .init(verb: "get"), with: .init(status: 429, retryAfter: 1))
        #expect(try c.get(cm, namespace: "default", name: "a")[path: ["data", "k"]] == "w")
        #expect(h.api.requestCounts()["get configmaps"] == 2)
        #expect(h.server.http2Connections >= 1)
        watch.cancel.cancel()
        #expect(pollUntil { watch.finished })
        // libcurl sends the cancelled stream's RST_STREAM with the connection's next frames,
        // so the server learns of the cancellation once the client uses the connection again.
        _ = try c.list(cm, namespace: "default")
        #expect(pollUntil { h.api.openWatchCount == 0 })
    }
}

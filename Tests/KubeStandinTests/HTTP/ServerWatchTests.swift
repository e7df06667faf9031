import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
@testable import KubeStandin

/// Watch streaming and connection faults of `StandinServer`.
@Suite struct ServerWatchTests {
    /// Answers watches with a tracked `FakeWatch`, everything else with the echo.
    static func watchingBackend() -> FakeBackend {
        FakeBackend { r, backend in
            r.verb == "watch" ? .watch(backend.newWatch()) : FakeBackend.echo(r)
        }
    }

    /// A watch running on its own thread, recording names of ADDED/MODIFIED objects and how it ended.
    final class RunningWatch: Sendable {
        let names = Mutex<[String]>([])
        let outcome = Mutex<Result<Void, any Error>?>(nil)
        let cancel = CancellationToken()

        init(_ client: KubeClient) {
            Thread.detachNewThread { [self] in
                let result = Result {
                    try client.watch(ResourceDescriptor.configMaps, as: JSONValue.self, namespace: "ns", options: WatchOptions(), cancel: cancel) { event in
                        switch event {
                        case .added(let o), .modified(let o): names.withLock { $0.append(o[path: ["metadata", "name"]]?.stringValue ?? "?") }
                        default: break
                        }
                    }
                }
                outcome.withLock { $0 = result }
            }
        }

        var seen: [String] { names.withLock { $0 } }
        var finished: Bool { outcome.withLock { $0 != nil } }
        var error: (any Error)? {
            outcome.withLock { o in
                if case .failure(let e) = o { return e }
                return nil
            }
        }
    }

    static func object(_ name: String, padding: Int = 0) -> String {
        #"{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"\#(name)"},"data":{"pad":"\#(String(repeating: "x", count: padding))"}}"#
    }

    @Test func watchFramesAreStreamedAsTheyCome() throws {
        let backend = Self.watchingBackend()
        try withServer(backend) { _, url in
            let watch = RunningWatch(plainClient(url))
            #expect(waitFor { backend.watches.first?.started == true })
            let stream = try #require(backend.watches.first)
            stream.send(event: "ADDED", object: Self.object("a"))
            // The first event reaches the client before the second is even produced.
            #expect(waitFor { watch.seen == ["a"] })
            stream.send(event: "MODIFIED", object: Self.object("b", padding: 300_000))
            stream.send(event: "ADDED", object: Self.object("c"))
            #expect(waitFor { watch.seen == ["a", "b", "c"] })
            #expect(watch.finished == false)
            stream.end(.finished)
            #expect(waitFor { watch.finished })
            #expect(watch.error == nil, "a finished stream ends the watch normally")
            #expect(backend.requests.first?.query["watch"] == "true")
        }
    }

    @Test func cutMidEventLeavesTheClientATruncatedStream() throws {
        let backend = Self.watchingBackend()
        try withServer(backend) { server, url in
            let watch = RunningWatch(plainClient(url))
            #expect(waitFor { backend.watches.first?.started == true })
            backend.watches[0].send(event: "ADDED", object: Self.object("a"))
            #expect(waitFor { watch.seen == ["a"] })
            backend.cutWatches()
            #expect(waitFor { watch.finished })
            let error = try #require(watch.error as? KubeError)
            guard case .transport = error else {
                Issue.record("expected a transport error for a cut stream, got \(error)")
                return
            }
            #expect(watch.seen == ["a"], "the partial event is never delivered")
            #expect(waitFor { server.openConnections == 0 })
        }
    }

    @Test func droppingConnectionsCutsWatchesAndKeepsServing() throws {
        let backend = Self.watchingBackend()
        try withServer(backend) { server, url in
            let client = plainClient(url)
            _ = try client.get(ResourceDescriptor.configMaps, namespace: "ns", name: "before")
            let watch = RunningWatch(client)
            #expect(waitFor { backend.watches.first?.started == true })
            server.dropAllConnections()
            #expect(waitFor { watch.finished })
            #expect(watch.error != nil, "the client sees its watch broken")
            #expect(waitFor { backend.watches[0].ended == .cancelled }, "the server cancels the stream of a closed connection")
            let after = try client.get(ResourceDescriptor.configMaps, namespace: "ns", name: "after")
            #expect(after["path"] == "/api/v1/namespaces/ns/configmaps/after")
            #expect(server.acceptedConnections >= 2)
        }
    }

    @Test func dropConnectionsThroughTheControlPathAnswersFirst() throws {
        let backend = Self.watchingBackend()
        try withServer(backend) { server, url in
            let watch = RunningWatch(plainClient(url))
            #expect(waitFor { backend.watches.first?.started == true })
            let response = try plainClient(url).send(HTTPRequest(method: "POST", path: "/_standin/faults/drop-connections"))
            #expect(response.status == 200)
            #expect(waitFor { watch.finished })
            #expect(watch.error != nil)
            #expect(waitFor { server.openConnections == 0 })
        }
    }

    @Test func clientCancellationCancelsTheStream() throws {
        let backend = Self.watchingBackend()
        try withServer(backend) { _, url in
            let watch = RunningWatch(plainClient(url))
            #expect(waitFor { backend.watches.first?.started == true })
            watch.cancel.cancel()
            #expect(waitFor { watch.finished })
            #expect(waitFor { backend.watches[0].ended == .cancelled })
        }
    }

    @Test func stopEndsWatchesNormally() throws {
        let backend = Self.watchingBackend()
        let server = StandinServer(backend: backend)
        let url = try server.start()
        let watch = RunningWatch(plainClient(url))
        #expect(waitFor { backend.watches.first?.started == true })
        backend.watches[0].send(event: "ADDED", object: Self.object("a"))
        #expect(waitFor { watch.seen == ["a"] })
        server.stop()
        #expect(waitFor { watch.finished })
        #expect(watch.error == nil, "a graceful stop finishes the chunked body")
        #expect(server.url == nil)
        #expect(throws: KubeError.self) { _ = try plainClient(url).get(ResourceDescriptor.pods, namespace: "ns", name: "p") }
    }
}

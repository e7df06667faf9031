import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
@testable import KubeStandin

/// Plain HTTP behaviour of `StandinServer`: decoding, keep-alive, bodies, delays, control path.
@Suite struct ServerHTTPTests {
    @Test func roundTripDecodesPathQueryHeadersAndBody() throws {
        let backend = FakeBackend()
        try withServer(backend) { _, url in
            #expect(url.scheme == "http")
            let client = plainClient(url)
            let out = try client.list(ResourceDescriptor.deployments, namespace: "team-a", options: ListOptions(labelSelector: "app in (web,api),tier!=db", limit: 7))
            #expect(out["path"] == "/apis/apps/v1/namespaces/team-a/deployments")
            #expect(out[path: ["query", "labelSelector"]] == "app in (web,api),tier!=db")
            #expect(out[path: ["query", "limit"]] == "7")
            let created = try client.create(ResourceDescriptor.configMaps, namespace: "ns", body: ["metadata": ["name": "c1"], "data": ["k": "v+w"]])
            #expect(created["method"] == "POST")
            #expect(created[path: ["body", "data", "k"]] == "v+w")
            // A percent-encoded path arrives decoded.
            let raw = try client.send(HTTPRequest(method: "GET", path: "/api/v1/namespaces/ns/configmaps/a%3Ab%20c"))
            #expect(try JSONValue(data: raw.body)["path"] == "/api/v1/namespaces/ns/configmaps/a:b c")
            let seen = backend.requests
            #expect(seen.count == 3)
            #expect(seen[1].headers["content-type"] == "application/json")
            #expect(seen[1].headers.keys.allSatisfy { $0 == $0.lowercased() })
            #expect(seen[0].verb == "list" && seen[1].verb == "create")
            #expect(seen.allSatisfy { $0.user == nil }, "no authentication configured: no user")
        }
    }

    @Test func keepAliveReusesOneConnection() throws {
        let backend = FakeBackend()
        try withServer(backend) { server, url in
            let client = plainClient(url)
            for i in 0..<5 { _ = try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p\(i)") }
            #expect(backend.requests.count == 5)
            #expect(server.acceptedConnections == 1)
            #expect(server.openConnections == 1)
        }
    }

    @Test func responsesCarryContentTypeAndLengthAndBackendHeaders() throws {
        let backend = FakeBackend { _, _ in .full(status: 201, headers: [("X-Standin", "yes")], body: Data(#"{"kind":"Thing"}"#.utf8)) }
        try withServer(backend) { _, url in
            let response = try plainClient(url).send(HTTPRequest(method: "GET", path: "/api/v1/namespaces/ns/things/x"))
            #expect(response.status == 201)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["content-length"] == "16")
            #expect(response.headers["x-standin"] == "yes")
            #expect(response.body == Data(#"{"kind":"Thing"}"#.utf8))
        }
    }

    @Test func twoMiBBodiesPassBothWays() throws {
        let backend = FakeBackend { r, _ in .full(status: 200, headers: [], body: r.body) }
        try withServer(backend) { _, url in
            let blob = String(repeating: "0123456789abcdef", count: 2 * 1024 * 1024 / 16)
            let object: JSONValue = ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "big"], "data": ["blob": .string(blob)]]
            let back = try plainClient(url).create(ResourceDescriptor.configMaps, namespace: "ns", body: object)
            #expect(back[path: ["data", "blob"]]?.stringValue?.count == blob.count)
            #expect(back == object)
            #expect((backend.requests.first?.body.count ?? 0) > 2 * 1024 * 1024)
        }
    }

    @Test func bodiesOverTheLimitAreRefused() throws {
        let backend = FakeBackend()
        try withServer(backend) { _, url in
            let huge = Data(count: StandinServer.maxBodyBytes + 1)
            let response = try? plainClient(url).send(HTTPRequest(method: "POST", path: "/api/v1/namespaces/ns/configmaps", body: huge))
            // Either a 413 answer or a closed connection, but never served.
            #expect(response.map { $0.status == 413 } ?? true)
            #expect(backend.requests.isEmpty)
        }
    }

    @Test func delayFaultHoldsTheAnswerWithoutBlockingOthers() throws {
        let backend = FakeBackend()
        backend.faults.delay(1.5, .init(verb: "get", pathContains: "/slow"))
        try withServer(backend) { server, url in
            let slowDone = Mutex(false)
            let slowError = Mutex<(any Error)?>(nil)
            let started = Date()
            let elapsed = Mutex<TimeInterval>(0)
            let thread = Thread {
                do {
                    _ = try plainClient(url).get(ResourceDescriptor.pods, namespace: "ns", name: "slow")
                    elapsed.withLock { $0 = Date().timeIntervalSince(started) }
                } catch {
                    slowError.withLock { $0 = error }
                }
                slowDone.withLock { $0 = true }
            }
            thread.start()
            #expect(waitFor { server.acceptedConnections == 1 })
            // Another client is answered while the slow one waits: the event loop is not blocked.
            _ = try plainClient(url).get(ResourceDescriptor.pods, namespace: "ns", name: "fast")
            #expect(slowDone.withLock { $0 } == false)
            #expect(waitFor { slowDone.withLock { $0 } })
            #expect(slowError.withLock { $0 } == nil)
            #expect(elapsed.withLock { $0 } >= 1.5, "the answer never comes before the delay")
            #expect(backend.requests.map(\.path).sorted() == ["/api/v1/namespaces/ns/pods/fast", "/api/v1/namespaces/ns/pods/slow"])
        }
    }

    @Test func controlPathSwitchesFaultsAndReadsCounts() throws {
        let backend = FakeBackend()
        try withServer(backend) { _, url in
            let client = plainClient(url)
            let fail = try client.send(HTTPRequest(method: "POST", path: "/_standin/faults/fail",
                                                   body: Data(#"{"count":2,"verb":"get","pathContains":"/pods/","status":503,"retryAfter":1}"#.utf8)))
            #expect(fail.status == 200)
            // The client retries 503 (up to KubeClient.maxAttempts); two injected failures, then success.
            let got = try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p")
            #expect(got["path"] == "/api/v1/namespaces/ns/pods/p")
            #expect(backend.requests.count == 3)

            let counts = try client.send(HTTPRequest(method: "GET", path: "/_standin/requests"))
            let decoded = try JSONDecoder().decode([String: Int].self, from: counts.body)
            #expect(decoded == ["get /api/v1/namespaces/ns/pods/p": 3])
            #expect(try client.send(HTTPRequest(method: "POST", path: "/_standin/requests/reset")).status == 200)
            #expect(backend.requests.isEmpty)

            #expect(try client.send(HTTPRequest(method: "POST", path: "/_standin/readiness", body: Data(#"{"delaySeconds":0.05}"#.utf8))).status == 200)
            #expect(backend.readiness.withLock { $0 } == 0.05)
            #expect(try client.send(HTTPRequest(method: "POST", path: "/_standin/readiness", body: Data(#"{"enabled":false}"#.utf8))).status == 200)
            #expect(backend.readiness.withLock { $0 } == nil)

            #expect(try client.send(HTTPRequest(method: "POST", path: "/_standin/faults/delay", body: Data(#"{"seconds":0.25,"verb":"list"}"#.utf8))).status == 200)
            #expect(backend.faults.delay(for: StandinRequest(method: "GET", path: "/api/v1/pods")) == 0.25)
            #expect(try client.send(HTTPRequest(method: "POST", path: "/_standin/faults/expire-next-watch", body: Data(#"{"count":2}"#.utf8))).status == 200)
            #expect(backend.faults.takeWatchExpiry() && backend.faults.takeWatchExpiry() && !backend.faults.takeWatchExpiry())
            #expect(try client.send(HTTPRequest(method: "POST", path: "/_standin/faults/clear")).status == 200)
            #expect(backend.faults.delay(for: StandinRequest(method: "GET", path: "/api/v1/pods")) == 0)

            #expect(try client.send(HTTPRequest(method: "POST", path: "/_standin/faults/fail", body: Data(#"{"count":1}"#.utf8))).status == 400)
            #expect(try client.send(HTTPRequest(method: "POST", path: "/_standin/nope")).status == 404)
            #expect(backend.requests.isEmpty, "control requests never reach the backend")
        }
    }
}

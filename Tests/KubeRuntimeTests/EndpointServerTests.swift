import Foundation
import Synchronization
import Testing
import KubeClient
@testable import KubeRuntime
import TestPolling

/// The metrics/probe server over real sockets, read with the project's own HTTP client.
@Suite struct EndpointServerTests {
    struct NotSynced: Error, CustomStringConvertible {
        var description: String { "informer caches not synced" }
    }

    func client(_ port: Int) -> KubeClient {
        // `sleep` is a no-op: the client retries GETs that answer 500, which these tests provoke.
        KubeClient(config: ClusterConfig(server: "http://127.0.0.1:\(port)"), options: .init(sleep: { _ in }))
    }

    func get(_ client: KubeClient, _ path: String, _ query: [(String, String)] = []) throws -> (Int, String, [String: String]) {
        let r = try client.send(HTTPRequest(method: "GET", path: path, query: query))
        return (r.status, String(decoding: r.body, as: UTF8.self), r.headers)
    }

    @Test func probesAnswerLikeControllerRuntime() throws {
        let synced = Mutex(false)
        let healthz = HealthChecks()
        healthz.add("ping", HealthChecks.ping)
        let readyz = HealthChecks()
        readyz.add("ping", HealthChecks.ping)
        readyz.add("informers-synced") { synced.withLock { $0 } ? .success(()) : .failure(NotSynced()) }
        let server = EndpointServer(address: .listen(host: "127.0.0.1", port: 0), routes: .init(healthz: healthz, readyz: readyz))
        let port = try #require(try server.start())
        defer { server.stop() }
        #expect(server.port == port)
        let c = client(port)

        #expect(try get(c, "/healthz") == (200, "ok", try get(c, "/healthz").2))
        let (status, body, headers) = try get(c, "/readyz")
        #expect(status == 500)
        #expect(body == "[-]informers-synced failed: reason withheld\n[+]ping ok\nhealthz check failed\n")
        #expect(headers["content-type"] == "text/plain; charset=utf-8")
        #expect(try get(c, "/readyz", [("verbose", "")]).1
            == "[-]informers-synced failed: informer caches not synced\n[+]ping ok\nhealthz check failed\n")
        #expect(try get(c, "/readyz", [("exclude", "informers-synced")]).0 == 200, "an excluded check does not fail the probe")
        let single = try get(c, "/readyz/informers-synced")
        #expect(single.0 == 500 && single.1 == "internal server error: informer caches not synced\n")
        #expect(try get(c, "/readyz/ping").1 == "ok")

        synced.withLock { $0 = true }
        #expect(try get(c, "/readyz").0 == 200)
        #expect(try get(c, "/readyz").1 == "ok")
        #expect(try get(c, "/readyz", [("verbose", "")]).1 == "[+]informers-synced ok\n[+]ping ok\nhealthz check passed")
        #expect(try get(c, "/readyz/informers-synced").1 == "ok")

        #expect(try get(c, "/readyz/no-such-check").0 == 404)
        #expect(try get(c, "/metrics").0 == 404, "no metrics route configured")
        #expect(try get(c, "/").0 == 404)
        #expect(try get(c, "/healthz/ping/extra").0 == 404)
        #expect(try c.send(HTTPRequest(method: "POST", path: "/healthz")).status == 405)
    }

    @Test func checksAddedWhileRunningAreServed() throws {
        let readyz = HealthChecks()
        let server = EndpointServer(address: .listen(host: "127.0.0.1", port: 0), routes: .init(readyz: readyz))
        let port = try #require(try server.start())
        defer { server.stop() }
        let c = client(port)
        #expect(try get(c, "/readyz", [("verbose", "")]).1 == "[+]ping ok\nhealthz check passed", "no checks: implicit ping")
        readyz.add("leader", failureReason: "not leading yet") { false }
        #expect(try get(c, "/readyz", [("verbose", "")]).1 == "[-]leader failed: not leading yet\nhealthz check failed\n")
    }

    @Test func metricsAreServedInTextFormat004() throws {
        let metrics = ControllerMetrics()
        metrics.reconcile(controller: "dynamo", maxConcurrentReconciles: 4).reconciled(result: "success", seconds: 0.03)
        let server = EndpointServer(address: .listen(host: "127.0.0.1", port: 0), routes: .init(metrics: metrics))
        let port = try #require(try server.start())
        defer { server.stop() }
        let (status, body, headers) = try get(client(port), "/metrics")
        #expect(status == 200)
        #expect(headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8")
        let text = try PrometheusText(body)
        #expect(text.value("controller_runtime_reconcile_total", ["controller": "dynamo", "result": "success"]) == 1)
        #expect(text.value("controller_runtime_max_concurrent_reconciles", ["controller": "dynamo"]) == 4)
    }

    @Test func headAndConnectionCloseOverARawSocket() throws {
        let server = EndpointServer(address: .listen(host: "127.0.0.1", port: 0), routes: .init(metrics: ControllerMetrics()))
        let port = try #require(try server.start())
        defer { server.stop() }
        // The server must close the connection after answering (the helper reads until EOF).
        let head = try rawExchange(port: port, "HEAD /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(head.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(head.lowercased().contains("content-type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(head.hasSuffix("\r\n\r\n"), "HEAD: headers only, no body")
        let old = try rawExchange(port: port, "GET /nowhere HTTP/1.0\r\n\r\n")
        #expect(old.hasPrefix("HTTP/1.0 404 Not Found\r\n"))
        #expect(old.hasSuffix("\r\n\r\n404 page not found\n"))
    }

    @Test func stopLetsARequestInFlightFinishThenRefusesConnections() throws {
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let readyz = HealthChecks()
        readyz.add("slow") {
            entered.signal()
            release.wait()
            return .success(())
        }
        let server = EndpointServer(address: .listen(host: "127.0.0.1", port: 0), routes: .init(readyz: readyz))
        let port = try #require(try server.start())
        let c = client(port)
        let answer = Mutex<(Int, String)?>(nil)
        let requestDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            let r = try? c.send(HTTPRequest(method: "GET", path: "/readyz/slow"))
            answer.withLock { $0 = r.map { ($0.status, String(decoding: $0.body, as: UTF8.self)) } }
            requestDone.signal()
        }
        entered.wait()
        let stopped = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            server.stop()
            stopped.signal()
        }
        #expect(pollUntil(10) { server.port == nil }, "stop has begun: the listener is gone")
        release.signal()
        requestDone.wait()
        stopped.wait()
        let got = answer.withLock { $0 }
        #expect(got?.0 == 200 && got?.1 == "ok", "the request received before stop got its answer")
        #expect(throws: (any Error).self) { try c.send(HTTPRequest(method: "GET", path: "/readyz")) }
        server.stop() // a second stop is a no-op
    }

    @Test func disabledAddressBindsNothing() throws {
        let server = try EndpointServer(bindAddress: "0", routes: .init(readyz: HealthChecks()))
        #expect(try server.start() == nil)
        #expect(server.port == nil)
        server.stop()
        let twice = EndpointServer(address: .listen(host: "127.0.0.1", port: 0), routes: .init())
        _ = try twice.start()
        defer { twice.stop() }
        #expect(throws: EndpointServerError.alreadyStarted) { try twice.start() }
    }

    @Test func bindAddressesParseLikeControllerRuntime() throws {
        #expect(try BindAddress(parsing: ":8080") == .listen(host: "0.0.0.0", port: 8080))
        #expect(try BindAddress(parsing: "127.0.0.1:8081") == .listen(host: "127.0.0.1", port: 8081))
        #expect(try BindAddress(parsing: "[::1]:9090") == .listen(host: "::1", port: 9090))
        #expect(try BindAddress(parsing: ":0") == .listen(host: "0.0.0.0", port: 0))
        #expect(try BindAddress(parsing: "0") == .disabled)
        #expect(try BindAddress(parsing: "") == .disabled)
        for bad in ["8080", ":http", ":70000", "::1:80", "[::1:80", "host:-1"] {
            #expect(throws: BindAddressError.self, "\(bad)") { try BindAddress(parsing: bad) }
        }
    }
}

/// Sends `request` on a fresh TCP connection to 127.0.0.1:`port` and reads until the server closes
/// it. A 10 s receive timeout only keeps a broken server from hanging the suite.
func rawExchange(port: Int, _ request: String) throws -> String {
    struct SocketError: Error { var what: String }
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw SocketError(what: "socket") }
    defer { close(fd) }
    var timeout = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_port = in_port_t(UInt16(port).bigEndian)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw SocketError(what: "connect") }
    let bytes = Array(request.utf8)
    guard send(fd, bytes, bytes.count, 0) == bytes.count else { throw SocketError(what: "send") }
    var received: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = recv(fd, &buffer, buffer.count, 0)
        if n == 0 { break }
        guard n > 0 else { throw SocketError(what: "recv (no EOF from server)") }
        received += buffer[0..<n]
    }
    return String(decoding: received, as: UTF8.self)
}

import Foundation
import Testing
import KubeClient
import KubeModel
@testable import KubeStandin

/// HTTP/2 over ALPN: libcurl picks `h2` when offered, so these exercise the client's HTTP/2 path.
@Suite struct ServerHTTP2Tests {
    func options(http2: Bool) throws -> StandinServer.Options {
        StandinServer.Options(tls: try testPKI.get().serverTLS(clientCertificates: true), tokens: ["t-alice": "alice"], http2: http2)
    }

    @Test func requestsGoOverOneHTTP2Connection() throws {
        let backend = ServerWatchTests.watchingBackend()
        try withServer(backend, try options(http2: true)) { server, _ in
            let client = try kubeconfigClient(server.kubeconfig(user: "alice", token: "t-alice"))
            for i in 0..<4 { #expect(try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p\(i)")["user"] == "alice") }
            let big = String(repeating: "z", count: 2 * 1024 * 1024)
            let echoed = try client.create(ResourceDescriptor.configMaps, namespace: "ns", body: ["data": ["big": .string(big)]])
            #expect(echoed["bodyBytes"] != nil && echoed[path: ["body", "data", "big"]]?.stringValue?.count == big.count)
            #expect(server.http2Connections == 1)
            #expect(server.acceptedConnections == 1)
        }
    }

    @Test func clientCertificateAndUnauthorizedOverHTTP2() throws {
        let pki = try testPKI.get()
        let bob = try #require(pki.clients["bob"])
        let backend = FakeBackend()
        try withServer(backend, try options(http2: true)) { server, _ in
            let client = try kubeconfigClient(server.kubeconfig(user: "bob", clientCertificatePEM: bob.certificatePEM, clientKeyPEM: bob.keyPEM))
            #expect(try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p")["user"] == "bob")
            let anonymous = try kubeconfigClient(server.kubeconfig(user: "nobody"))
            let response = try anonymous.send(HTTPRequest(method: "GET", path: "/api/v1/namespaces"))
            #expect(response.status == 401)
            #expect(response.body == (try transcriptBody("22-unauthorized-401.txt")))
            #expect(server.http2Connections >= 1)
        }
    }

    @Test func watchesStreamAndCutOverHTTP2() throws {
        let backend = ServerWatchTests.watchingBackend()
        try withServer(backend, try options(http2: true)) { server, _ in
            let client = try kubeconfigClient(server.kubeconfig(user: "alice", token: "t-alice"))
            let watch = ServerWatchTests.RunningWatch(client)
            #expect(waitFor { backend.watches.first?.started == true })
            backend.watches[0].send(event: "ADDED", object: ServerWatchTests.object("a"))
            #expect(waitFor { watch.seen == ["a"] })
            backend.cutWatches()
            #expect(waitFor { watch.finished })
            #expect(watch.error != nil, "a cut stream is an error, not a normal end")
            #expect(watch.seen == ["a"])
            // The connection itself still serves other streams.
            #expect(try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p")["user"] == "alice")
            #expect(server.http2Connections >= 1)
        }
    }

    @Test func stopEndsHTTP2WatchesNormally() throws {
        let backend = ServerWatchTests.watchingBackend()
        let server = StandinServer(backend: backend, options: try options(http2: true))
        _ = try server.start()
        let client = try kubeconfigClient(server.kubeconfig(user: "alice", token: "t-alice"))
        let watch = ServerWatchTests.RunningWatch(client)
        #expect(waitFor { backend.watches.first?.started == true })
        server.stop()
        #expect(waitFor { watch.finished })
        #expect(watch.error == nil)
        #expect(server.http2Connections == 1)
    }

    @Test func withoutTheOptionTLSStaysHTTP1() throws {
        let backend = FakeBackend()
        try withServer(backend, try options(http2: false)) { server, _ in
            let client = try kubeconfigClient(server.kubeconfig(user: "alice", token: "t-alice"))
            _ = try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p")
            #expect(server.http2Connections == 0)
        }
    }
}

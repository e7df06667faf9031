import Foundation
import Testing
import KubeClient
import KubeModel
@testable import KubeStandin

/// TLS, authentication (tokens, client certificates) and authorization (`forbid`) of `StandinServer`.
@Suite struct ServerAuthTests {
    func tlsOptions(clientCertificates: Bool, tokens: [String: String] = ["t-alice": "alice"]) throws -> StandinServer.Options {
        StandinServer.Options(tls: try testPKI.get().serverTLS(clientCertificates: clientCertificates), tokens: tokens)
    }

    @Test func tlsWithBearerToken() throws {
        let backend = FakeBackend()
        try withServer(backend, try tlsOptions(clientCertificates: false)) { server, url in
            #expect(url.scheme == "https")
            #expect(server.options.authenticationRequired)
            let client = try kubeconfigClient(server.kubeconfig(user: "alice", token: "t-alice", namespace: "team"))
            #expect(client.namespace == "team")
            let out = try client.get(ResourceDescriptor.pods, namespace: "team", name: "p")
            #expect(out["user"] == "alice")
            #expect(backend.requests.first?.user == "alice")

            let wrong = try kubeconfigClient(server.kubeconfig(user: "eve", token: "not-a-token"))
            let error = #expect(throws: KubeError.self) { _ = try wrong.get(ResourceDescriptor.pods, namespace: "ns", name: "p") }
            #expect(error?.isUnauthorized == true)
            #expect(backend.requests.count == 1, "unauthenticated requests never reach the backend")
        }
    }

    @Test func tlsWithClientCertificateAuthenticatesItsCommonName() throws {
        let pki = try testPKI.get()
        let bob = try #require(pki.clients["bob"])
        let backend = FakeBackend()
        try withServer(backend, try tlsOptions(clientCertificates: true)) { server, _ in
            let client = try kubeconfigClient(server.kubeconfig(user: "bob", clientCertificatePEM: bob.certificatePEM, clientKeyPEM: bob.keyPEM))
            let out = try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p")
            #expect(out["user"] == "bob")

            // Token users still connect when client certificates are optional.
            let alice = try kubeconfigClient(server.kubeconfig(user: "alice", token: "t-alice"))
            #expect(try alice.get(ResourceDescriptor.pods, namespace: "ns", name: "p")["user"] == "alice")

            // Neither: 401.
            let anonymous = try kubeconfigClient(server.kubeconfig(user: "nobody"))
            #expect { _ = try anonymous.get(ResourceDescriptor.pods, namespace: "ns", name: "p") } throws: { ($0 as? KubeError)?.isUnauthorized == true }
        }
    }

    @Test func clientCertificateFromAnotherCAFailsTheHandshake() throws {
        let pki = try testPKI.get()
        let mallory = try #require(pki.clients["mallory"])
        let backend = FakeBackend()
        try withServer(backend, try tlsOptions(clientCertificates: true)) { server, _ in
            let client = try kubeconfigClient(server.kubeconfig(user: "mallory", clientCertificatePEM: mallory.certificatePEM, clientKeyPEM: mallory.keyPEM))
            #expect { _ = try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p") } throws: { error in
                guard let error = error as? KubeError else { return false }
                switch error {
                case .tls, .transport: return true
                default: return false
                }
            }
            #expect(backend.requests.isEmpty)
        }
    }

    @Test func serverVerifiedAgainstTheWrongCAIsATLSError() throws {
        let pki = try testPKI.get()
        let backend = FakeBackend()
        try withServer(backend, try tlsOptions(clientCertificates: false)) { _, url in
            var tls = TLSSettings()
            tls.caFile = pki.otherCA.certificatePath
            let client = KubeClient(config: ClusterConfig(server: url.absoluteString, context: "wrong-ca", source: "test", tls: tls, auth: .token("t-alice")))
            #expect { _ = try client.get(ResourceDescriptor.pods, namespace: "ns", name: "p") } throws: { error in
                guard case .tls(let message) = error as? KubeError else { return false }
                return message.contains("certificate-authority")
            }
        }
    }

    @Test func unauthorizedBodyIsTheRealServersByteForByte() throws {
        let expected = try transcriptBody("22-unauthorized-401.txt")
        #expect(expected.count == 157)
        let backend = FakeBackend()
        try withServer(backend, try tlsOptions(clientCertificates: false)) { server, _ in
            let client = try kubeconfigClient(server.kubeconfig(user: "eve"))
            let response = try client.send(HTTPRequest(method: "GET", path: "/api/v1/namespaces"))
            #expect(response.status == 401)
            #expect(response.body == expected)
            #expect(response.headers["content-type"] == "application/json")
            #expect(response.headers["content-length"] == "157")
        }
    }

    @Test func forbidRulesAnswerLikeRBAC() throws {
        let backend = FakeBackend()
        try withServer(backend, StandinServer.Options(tokens: ["t-alice": "alice", "t-carol": "carol"])) { server, url in
            server.forbid(user: "alice", verb: "list", groupResource: "deployments.apps")
            server.forbid(user: "alice", verb: "get", groupResource: "pods")
            server.forbid(user: nil, verb: nil, groupResource: "secrets")
            let alice = plainClient(url, auth: .token("t-alice"))
            let carol = plainClient(url, auth: .token("t-carol"))

            func status(_ body: () throws -> Void) -> APIStatus? {
                do { try body() } catch let e as KubeError where e.isForbidden { return e.status } catch {}
                return nil
            }
            let cluster = try #require(status { _ = try alice.list(ResourceDescriptor.deployments, namespace: nil) })
            #expect(cluster.message == #"deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" at the cluster scope"#)
            #expect(cluster.reason == "Forbidden" && cluster.code == 403)
            #expect(cluster.details?.group == "apps" && cluster.details?.kind == "deployments")

            let raw = try alice.send(HTTPRequest(method: "GET", path: "/apis/apps/v1/deployments"))
            #expect(String(decoding: raw.body, as: UTF8.self) == #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps is forbidden: User \"alice\" cannot list resource \"deployments\" in API group \"apps\" at the cluster scope","reason":"Forbidden","details":{"group":"apps","kind":"deployments"},"code":403}"#)

            let namespaced = try #require(status { _ = try alice.list(ResourceDescriptor.deployments, namespace: "x") })
            #expect(namespaced.message == #"deployments.apps is forbidden: User "alice" cannot list resource "deployments" in API group "apps" in the namespace "x""#)

            let core = try #require(status { _ = try alice.get(ResourceDescriptor.pods, namespace: "x", name: "p1") })
            #expect(core.message == #"pods "p1" is forbidden: User "alice" cannot get resource "pods" in API group "" in the namespace "x""#)
            #expect(core.details?.group == nil && core.details?.name == "p1")

            let everyone = try #require(status { _ = try carol.get(ResourceDescriptor.secrets, namespace: "x", name: "s") })
            #expect(everyone.message?.contains(#"User "carol" cannot get resource "secrets""#) == true)

            // Other users, verbs and resources are allowed.
            _ = try carol.list(ResourceDescriptor.deployments, namespace: "x")
            _ = try alice.get(ResourceDescriptor.deployments, namespace: "x", name: "web")
            _ = try alice.list(ResourceDescriptor.pods, namespace: "x")
            #expect(backend.requests.count == 3)
            server.allowAll()
            _ = try alice.list(ResourceDescriptor.deployments, namespace: nil)
            #expect(backend.requests.count == 4)
        }
    }
}

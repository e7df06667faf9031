import Foundation
import Testing
import KubeClient
import KubeModel
import KubeStandin

/// The client's authentication and TLS against the real stand-in (`APIServer` over `StandinServer`).
@Suite struct StandinClientAuthTests {
    @Test func bearerTokenOverVerifiedTLS() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let client = try h.admin()
        #expect(client.server.hasPrefix("https://127.0.0.1:"))
        _ = try client.create(ResourceDescriptor.configMaps, namespace: "default", body: configMapJSON("c1", data: ["k": "v"]))
        let got = try client.get(ResourceDescriptor.configMaps, namespace: "default", name: "c1")
        #expect(got[path: ["data", "k"]] == "v")
        #expect(h.api.requestCounts()["create configmaps"] == 1)
        #expect(h.api.requestCounts()["get configmaps"] == 1)
    }

    @Test func clientCertificateAuthenticates() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let bob = try #require(h.pki.clients["bob"])
        let client = try h.load(h.server.kubeconfig(user: "bob", clientCertificatePEM: bob.certificatePEM, clientKeyPEM: bob.keyPEM))
        let namespaces = try client.list(Namespace.self, namespace: nil)
        #expect(namespaces.items.contains { $0.metadata.name == "default" })
    }

    @Test func wrongCertificateAuthorityIsAClearTLSError() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        var tls = TLSSettings()
        tls.caFile = h.pki.otherCA.certificatePath
        let client = KubeClient(config: ClusterConfig(server: h.url.absoluteString, context: "wrong-ca", source: "test-kubeconfig", tls: tls,
                                                      auth: .token(StandinHarness.adminToken)))
        #expect { _ = try client.list(ResourceDescriptor.namespaces, namespace: nil) } throws: { error in
            guard case .tls(let message) = error as? KubeError else { return false }
            // Names what failed and what to fix.
            return message.contains("certificate verify failed") && message.contains("certificate-authority") && message.contains("wrong-ca")
        }
        #expect(h.api.requestCounts().isEmpty)
    }

    @Test func unknownTokenIsUnauthorized() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let client = try h.load(h.server.kubeconfig(user: "eve", token: "stolen"))
        #expect { _ = try client.list(ResourceDescriptor.namespaces, namespace: nil) } throws: { error in
            guard case .api(let code, let status) = error as? KubeError else { return false }
            return code == 401 && status.reason == "Unauthorized" && status.message == "Unauthorized"
        }
    }

    /// Writes an exec plugin that counts its runs in `count` next to itself. Args: the token of
    /// the first run, the token of later runs, and the expiry as GNU `date -d` understands it.
    func writePlugin(_ h: StandinHarness) throws -> String {
        let path = "\(h.tempDir)/plugin.sh"
        let script = """
        #!/bin/sh
        dir=$(dirname "$0")
        n=$(cat "$dir/count" 2>/dev/null || echo 0)
        n=$((n + 1))
        echo "$n" > "$dir/count"
        token="$2"
        if [ "$n" -eq 1 ]; then token="$1"; fi
        exp=$(date -u -d "$3" +%Y-%m-%dT%H:%M:%SZ)
        printf '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"%s","expirationTimestamp":"%s"}}\\n' "$token" "$exp"

        """
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        return path
    }

    func runs(_ h: StandinHarness) -> Int {
        Int((try? String(contentsOfFile: "\(h.tempDir)/count", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "0") ?? 0
    }

    @Test func execPluginCredentialIsCachedUntilExpiry() throws {
        let h = try StandinHarness(tokens: ["exec-token": "plugin-user"])
        defer { h.stop() }
        let plugin = try writePlugin(h)
        let client = try h.load(h.execKubeconfig(command: plugin, args: ["exec-token", "exec-token", "+1 hour"]))
        for _ in 0..<3 { _ = try client.list(ResourceDescriptor.namespaces, namespace: nil) }
        #expect(runs(h) == 1, "a credential valid for an hour is reused")
    }

    @Test func execPluginRunsAgainWhenItsCredentialExpires() throws {
        let h = try StandinHarness(tokens: ["exec-token": "plugin-user"])
        defer { h.stop() }
        let plugin = try writePlugin(h)
        // Expiring within the client's skew: every request needs a fresh credential.
        let client = try h.load(h.execKubeconfig(command: plugin, args: ["exec-token", "exec-token", "+2 seconds"]))
        for _ in 0..<3 { _ = try client.list(ResourceDescriptor.namespaces, namespace: nil) }
        #expect(runs(h) == 3)
    }

    @Test func execPluginRunsAgainAfterA401() throws {
        let h = try StandinHarness(tokens: ["exec-token": "plugin-user"])
        defer { h.stop() }
        let plugin = try writePlugin(h)
        // The first run hands out a token the server does not know (a revoked one).
        let client = try h.load(h.execKubeconfig(command: plugin, args: ["revoked-token", "exec-token", "+1 hour"]))
        let list = try client.list(ResourceDescriptor.namespaces, namespace: nil)
        #expect(list["kind"] == "NamespaceList")
        #expect(runs(h) == 2)
        _ = try client.list(ResourceDescriptor.namespaces, namespace: nil)
        #expect(runs(h) == 2, "the refreshed credential is cached")
    }
}

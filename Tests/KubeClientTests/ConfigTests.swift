import Foundation
import Testing
@testable import KubeClient

@Suite struct ConfigTests {
    let dir: URL = {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("kcfg-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        return d
    }()

    func write(_ name: String, _ text: String) -> String {
        let p = dir.appendingPathComponent(name).path
        _ = FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    var first: String {
        write("a.yaml", """
        apiVersion: v1
        kind: Config
        current-context: dev
        clusters:
        - name: dev
          cluster: {server: "https://dev.example:6443", certificate-authority: certs/ca.crt, tls-server-name: api.dev}
        users:
        - name: alice
          user: {token: from-first}
        contexts:
        - name: dev
          context: {cluster: dev, user: alice, namespace: team-a}
        """)
    }

    var second: String {
        write("b.yaml", """
        apiVersion: v1
        kind: Config
        current-context: prod
        clusters:
        - name: prod
          cluster: {server: "https://prod.example", certificate-authority-data: "\(Data("PEM".utf8).base64EncodedString())"}
        - name: dev
          cluster: {server: "https://ignored.example"}
        users:
        - name: alice
          user: {token: from-second}
        - name: bob
          user: {client-certificate-data: "\(Data("CERT".utf8).base64EncodedString())", client-key-data: "\(Data("KEY".utf8).base64EncodedString())"}
        contexts:
        - name: prod
          context: {cluster: prod, user: bob}
        """)
    }

    @Test func kubeconfigListMergesFirstFileWins() throws {
        let env = ["KUBECONFIG": "\(first):\(dir.path)/missing.yaml:\(second)"]
        let dev = try ClusterConfig.load(environment: env)
        #expect(dev.server == "https://dev.example:6443")
        #expect(dev.namespace == "team-a")
        #expect(dev.context == "dev")
        #expect(dev.auth == .token("from-first"))
        #expect(dev.tls.caFile == dir.appendingPathComponent("certs/ca.crt").path, "relative paths resolve against their file")
        #expect(dev.tls.serverName == "api.dev")

        let prod = try ClusterConfig.load(context: "prod", environment: env)
        #expect(prod.server == "https://prod.example")
        #expect(prod.namespace == "default")
        #expect(prod.tls.caData == Data("PEM".utf8))
        #expect(prod.tls.clientCertData == Data("CERT".utf8) && prod.tls.clientKeyData == Data("KEY".utf8))
    }

    @Test func explicitPathBeatsKubeconfigVariableAndInCluster() throws {
        let env = ["KUBECONFIG": second, "KUBERNETES_SERVICE_HOST": "10.0.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        #expect(try ClusterConfig.load(kubeconfigPath: first, environment: env).context == "dev")
        #expect(try ClusterConfig.load(environment: env).context == "prod")
    }

    @Test func missingPiecesAreNamed() throws {
        let bad = write("bad.yaml", """
        current-context: x
        contexts:
        - name: x
          context: {cluster: nowhere, user: u}
        """)
        #expect { try ClusterConfig.load(kubeconfigPath: bad) } throws: { "\($0)".contains("cluster \"nowhere\"") }
        #expect { try ClusterConfig.load(kubeconfigPath: first, context: "nope") } throws: { "\($0)".contains("context \"nope\" is not defined") }
        #expect { try ClusterConfig.load(kubeconfigPath: "\(dir.path)/absent") } throws: { "\($0)".contains("cannot be read") }
        let halfCert = write("half.yaml", """
        current-context: c
        clusters: [{name: k, cluster: {server: "https://x"}}]
        users: [{name: u, user: {client-certificate: cert.pem}}]
        contexts: [{name: c, context: {cluster: k, user: u}}]
        """)
        #expect { try ClusterConfig.load(kubeconfigPath: halfCert) } throws: { "\($0)".contains("without its key") }
    }

    @Test func inClusterReadsTheServiceAccount() throws {
        _ = write("token", "tok-1\n")
        _ = write("namespace", "dynamo-system")
        _ = write("ca.crt", "CA")
        let c = try ClusterConfig.load(environment: ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"], inClusterRoot: dir.path)
        #expect(c.server == "https://10.96.0.1:443")
        #expect(c.namespace == "dynamo-system")
        #expect(c.tls.caFile == dir.appendingPathComponent("ca.crt").path)
        #expect(c.auth == .tokenFile(dir.appendingPathComponent("token").path))
        // The token is re-read once the cached copy is older than a minute.
        let clock = Clock()
        let provider = CredentialProvider(auth: c.auth, now: { clock.now })
        #expect(try provider.current().token == "tok-1")
        _ = write("token", "tok-2")
        #expect(try provider.current().token == "tok-1")
        clock.now = clock.now.addingTimeInterval(61)
        #expect(try provider.current().token == "tok-2")
    }

    @Test func execPluginRunsAgainOnlyAfterExpiryOrInvalidation() throws {
        let counter = dir.appendingPathComponent("runs").path
        let script = write("plugin.sh", """
        #!/bin/sh
        echo run >> \(counter)
        echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"exec-\(UUID().uuidString.prefix(4))-'"$MY_SUFFIX"'","expirationTimestamp":"2030-01-01T00:10:00Z"}}'
        """)
        chmod(script, 0o755)
        let exec = ExecConfig(apiVersion: "client.authentication.k8s.io/v1", command: script, args: nil, env: [.init(name: "MY_SUFFIX", value: "x")])
        let clock = Clock()
        clock.now = KubeTimeParse("2030-01-01T00:00:00Z")
        let provider = CredentialProvider(auth: .exec(exec), now: { clock.now })
        func runs() -> Int { ((try? String(contentsOfFile: counter, encoding: .utf8)) ?? "").split(separator: "\n").count }
        let t1 = try provider.current().token
        #expect(t1?.hasSuffix("-x") == true, "the plugin sees its env")
        _ = try provider.current()
        #expect(runs() == 1, "cached until expiry")
        clock.now = KubeTimeParse("2030-01-01T00:09:55Z")
        _ = try provider.current()
        #expect(runs() == 2, "re-run when about to expire")
        provider.invalidate()
        _ = try provider.current()
        #expect(runs() == 3, "re-run after a 401 invalidated it")

        let broken = write("broken.sh", "#!/bin/sh\necho nope >&2\nexit 3\n")
        chmod(broken, 0o755)
        let failing = CredentialProvider(auth: .exec(ExecConfig(apiVersion: nil, command: broken, args: nil, env: nil)))
        #expect { try failing.current() } throws: { "\($0)".contains("exited with status 3: nope") }
    }
}

final class Clock: @unchecked Sendable {
    var now = Date(timeIntervalSince1970: 1_800_000_000)
}

func KubeTimeParse(_ s: String) -> Date { ISO8601DateFormatter().date(from: s)! }

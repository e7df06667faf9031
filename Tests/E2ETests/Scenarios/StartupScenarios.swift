import Foundation
import Testing
import KubeClient
import KubeModel
import KubeStandin
import DynamoAPI
import DynamoController
import ChildProcesses

/// `dynamo-operator run` refuses to start, with one line naming the fix and exit 1, when the CRD
/// is missing, RBAC forbids what it needs, or the server cannot be reached. Each case gets a
/// stand-in of its own (a forbid rule or a missing CRD must not leak into other scenarios).
@Suite("e2e: startup errors", .serialized, .enabled(if: !E2ESettings.current.onRealCluster))
struct StartupScenarios {
    /// Runs `dynamo-operator run` against `kubeconfig`; returns its exit status and output once it
    /// exits by itself (nil status if it is still running after `timeout`, then it is killed).
    func runOperator(kubeconfig: String, scratch: URL, timeout: TimeInterval = 30) throws -> (Int32?, String) {
        try LoggedProcess.run(name: "dynamo-operator run", executable: try OperatorProcess.binary(settings: .current),
                              arguments: ["run", "--kubeconfig", kubeconfig, "--leader-elect=false"] + OperatorProcess.quietServers,
                              logPath: scratch.appendingPathComponent("run-\(UUID().uuidString.prefix(6)).out").path, timeout: timeout)
    }

    /// A fresh stand-in (optionally with the CRD installed) and a kubeconfig for it.
    func standin(installCRD: Bool) throws -> (StandinServer, String, URL) {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dynamo-startup-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let server = StandinServer(backend: APIServer())
        _ = try server.start()
        let path = scratch.appendingPathComponent("kubeconfig").path
        try server.kubeconfig(user: "operator").write(toFile: path, atomically: true, encoding: .utf8)
        if installCRD {
            try CRDInstaller.install(try KubeClient.load(kubeconfigPath: path), fieldManager: "dynamo-e2e")
        }
        return (server, path, scratch)
    }

    @Test("without the CRD: exit 1 and the command that installs it")
    func missingCRD() throws {
        let (server, kubeconfig, scratch) = try standin(installCRD: false)
        defer { server.stop() }
        let (status, out) = try runOperator(kubeconfig: kubeconfig, scratch: scratch)
        #expect(status == 1, "\(out)")
        #expect(out.contains("is not installed: kubectl apply -f deploy/crds/"), "\(out)")
    }

    @Test("RBAC forbids listing Deployments: exit 1 naming the verb, the resource and the manifest")
    func forbiddenByRBAC() throws {
        let (server, kubeconfig, scratch) = try standin(installCRD: true)
        defer { server.stop() }
        server.forbid(user: nil, verb: "list", groupResource: "deployments.apps")
        let (status, out) = try runOperator(kubeconfig: kubeconfig, scratch: scratch)
        #expect(status == 1, "\(out)")
        #expect(out.contains("cannot list deployments.apps"), "\(out)")
        #expect(out.contains("clusterrole.yaml"), "\(out)")
    }

    @Test("an unreachable server: exit 1 naming its URL")
    func unreachableServer() throws {
        let (server, kubeconfig, scratch) = try standin(installCRD: true)
        let url = try #require(server.url).absoluteString
        server.stop()
        let (status, out) = try runOperator(kubeconfig: kubeconfig, scratch: scratch)
        #expect(status == 1, "\(out)")
        #expect(out.contains("cannot reach the API server"), "\(out)")
        #expect(out.contains(url.hasSuffix("/") ? String(url.dropLast()) : url), "\(out)")
    }
}

import Foundation
import Testing
import KubeClient
import KubeModel
import DynamoAPI
import ChildProcesses

/// `dynamo-operator deploy` against a server, as a user runs it: validation before anything is
/// sent, server-side apply, kubectl-style outcome lines, server dry runs, IR files.
@Suite("e2e: deploy CLI", .serialized)
struct CLIScenarios {
    /// Runs the operator binary with `arguments`; returns (exit status, stdout + stderr). A CLI
    /// call still running after `cliTimeout` is stopped and fails the scenario.
    func cli(_ cluster: E2ECluster, _ arguments: [String]) throws -> (Int32, String) {
        let (status, output) = try LoggedProcess.run(name: "dynamo-operator \(arguments.first ?? "")",
                                                     executable: try OperatorProcess.binary(settings: cluster.settings), arguments: arguments,
                                                     logPath: cluster.scratchFile("cli-\(UUID().uuidString.prefix(6)).out"), timeout: Self.cliTimeout)
        guard let status else { throw TimedOut(description: "dynamo-operator \(arguments) still ran after \(Self.cliTimeout) s:\n\(output)") }
        return (status, output)
    }

    /// Seconds a `deploy`/`validate` call may take: it validates and applies a few objects.
    static let cliTimeout: TimeInterval = 120

    func write(_ cluster: E2ECluster, _ name: String, _ text: String) throws -> String {
        let path = cluster.scratchFile(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    static let graph = """
        apiVersion: nvidia.com/v1alpha1
        kind: DynamoDeployment
        metadata:
          name: cli
        spec:
          components:
          - name: frontend
            image: example.com/frontend:1
            ports: [{name: http, port: 8000}]
            dependsOn: [worker]
          - name: worker
            image: example.com/worker:1
        """

    @Test("deploy creates, then reports unchanged, configured and server dry runs, and applies IR files")
    func deployAppliesResourcesAndIR() throws {
        let s = try Scenario("dynamo-cli")
        let c = s.cluster
        let base = ["deploy", "--kubeconfig", c.kubeconfigPath, "-n", s.namespace]
        let file = try write(c, "cli-\(s.namespace).yaml", Self.graph)

        var (status, out) = try cli(c, base + ["-f", file])
        #expect(status == 0, "\(out)")
        #expect(out.contains("dynamodeployment.nvidia.com/cli created"), "\(out)")
        let created = try s.dynamoDeployment("cli")
        #expect(created.spec.components.map(\.name) == ["frontend", "worker"])

        (status, out) = try cli(c, base + ["-f", file])
        #expect(status == 0 && out.contains("dynamodeployment.nvidia.com/cli unchanged"), "\(out)")

        let changed = try write(c, "cli2-\(s.namespace).yaml", Self.graph.replacingOccurrences(of: "worker:1", with: "worker:2"))
        (status, out) = try cli(c, base + ["-f", changed, "--dry-run"])
        #expect(status == 0 && out.contains("configured (server dry run)"), "\(out)")
        #expect(try s.dynamoDeployment("cli").spec.components[1].image == "example.com/worker:1", "a dry run persists nothing")

        (status, out) = try cli(c, base + ["-f", changed])
        #expect(status == 0 && out.contains("dynamodeployment.nvidia.com/cli configured"), "\(out)")
        #expect(try s.dynamoDeployment("cli").spec.components[1].image == "example.com/worker:2")

        let ir = try write(c, "ir-\(s.namespace).yaml", """
            version: 0.3.0
            name: cli-ir
            components:
            - name: frontend
              image: example.com/frontend:1
              ports: [8000]
              dependencies: [worker]
            - name: worker
              image: example.com/worker:1
              resources: {cpu: "2", memory: 8Gi, gpu: 1}
            """)
        (status, out) = try cli(c, base + ["-f", ir])
        #expect(status == 0 && out.contains("dynamodeployment.nvidia.com/cli-ir created"), "\(out)")
        let fromIR = try s.dynamoDeployment("cli-ir")
        #expect(fromIR.spec.components.first { $0.name == "frontend" }?.dependsOn == ["worker"])
    }

    @Test("an invalid file is refused with every error and nothing is applied")
    func deployRefusesInvalidFilesWholesale() throws {
        let s = try Scenario("dynamo-cli")
        let c = s.cluster
        let good = try write(c, "good-\(s.namespace).yaml", Self.graph)
        let cycle = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("examples/invalid/cycle.yaml").path
        let (status, out) = try cli(c, ["deploy", "--kubeconfig", c.kubeconfigPath, "-n", s.namespace, "-f", good, "-f", cycle])
        #expect(status == 1, "\(out)")
        #expect(out.contains("dependency cycle: processor -> backend -> processor"), "\(out)")
        let list = try s.client.list(DynamoDeployment.self, namespace: s.namespace)
        #expect(list.items.isEmpty, "a valid file next to an invalid one must not be applied either")
    }
}

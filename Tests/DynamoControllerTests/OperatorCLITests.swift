import Foundation
import Testing
import KubeModel
import DynamoAPI
import DynamoController
import KubeRuntime
@testable import dynamo_operator

/// The repository root, found from this file's path (Tests/DynamoControllerTests/…).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

@Suite struct RunCommandTests {
    @Test func defaultsMatchControllerRuntime() throws {
        let c = try RunCommand.parse([])
        #expect(c.workers == 4)
        #expect(c.leaderElect)
        #expect(c.metricsBindAddress == ":8080")
        #expect(c.healthProbeBindAddress == ":8081")
        #expect(try c.logOptions() == LogOptions(level: .info, format: .text))
        #expect(c.namespace == nil && c.leaderElectionNamespace == nil && c.kubeconfig == nil && c.context == nil)
    }

    @Test func leaderElectionTakesAnExplicitBoolean() throws {
        #expect(try RunCommand.parse(["--leader-elect=false"]).leaderElect == false)
        #expect(try RunCommand.parse(["--leader-elect", "false"]).leaderElect == false)
        #expect(try RunCommand.parse(["--leader-elect=true"]).leaderElect == true)
        #expect(throws: (any Error).self) { try RunCommand.parse(["--leader-elect=maybe"]) }
    }

    @Test func theDeploymentManifestsArgumentsParse() throws {
        let manifest = try String(contentsOf: repositoryRoot.appendingPathComponent("deploy/manifests/deployment.yaml"), encoding: .utf8)
        let args = manifest.split(separator: "\n")
            .drop(while: { !$0.contains("args:") }).dropFirst()
            .prefix(while: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("- ") })
            .map { $0.trimmingCharacters(in: .whitespaces).dropFirst(2) }
            .map { $0.replacingOccurrences(of: "$(POD_NAMESPACE)", with: "dynamo-system") }
        #expect(args.first == "run")
        let c = try RunCommand.parse(Array(args.dropFirst()))
        #expect(c.leaderElect && c.leaderElectionNamespace == "dynamo-system")
        #expect(try c.logOptions().format == .json)
    }

    @Test func badValuesAreRefusedAtParseTime() throws {
        #expect(throws: (any Error).self) { try RunCommand.parse(["--workers", "0"]) }
        #expect(throws: (any Error).self) { try RunCommand.parse(["--log-level", "loud"]) }
        #expect(throws: (any Error).self) { try RunCommand.parse(["--log-format", "xml"]) }
        #expect(throws: (any Error).self) { try RunCommand.parse(["--metrics-bind-address", "8080"]) }
        #expect(throws: (any Error).self) { try RunCommand.parse(["--health-probe-bind-address", ":70000"]) }
        #expect(try RunCommand.parse(["--metrics-bind-address", "0"]).metricsBindAddress == "0")
        #expect(throws: (any Error).self) { try RunCommand.parse(["--namespace", ""]) }
    }

    @Test func flagsBecomeTheRuntimesConfiguration() throws {
        let c = try RunCommand.parse(["--namespace", "team-a", "--workers", "8", "--resync-period", "0"])
        let config = c.operatorConfiguration(clientNamespace: "from-context")
        #expect(config.namespace == "team-a")
        #expect(config.workers == 8)
        #expect(config.resyncPeriod == nil)
        let le = try #require(config.leaderElection)
        #expect(le.namespace == "from-context")
        #expect(le.leaseName == "dynamo-operator-leader")
        #expect(config.instance == le.identity)

        let explicit = try RunCommand.parse(["--leader-election-namespace", "dynamo-system"]).operatorConfiguration(clientNamespace: "x")
        #expect(explicit.leaderElection?.namespace == "dynamo-system")
        #expect(explicit.resyncPeriod == RunCommand.defaultResyncSeconds)
        #expect(try RunCommand.parse(["--leader-elect=false"]).operatorConfiguration(clientNamespace: "x").leaderElection == nil)
    }
}

@Suite struct DeployCommandTests {
    @Test func parsesFilesDryRunAndClusterFlags() throws {
        let c = try DeployCommand.parse(["-f", "a.yaml", "b.yaml", "--dry-run", "--context", "kind", "-n", "ns"])
        #expect(c.files == ["a.yaml", "b.yaml"])
        #expect(c.dryRun && !c.forceConflicts)
        #expect(c.context == "kind" && c.namespace == "ns")
        #expect(try DeployCommand.parse(["-f", "a.yaml"]).dryRun == false)
        #expect(throws: (any Error).self) { try DeployCommand.parse([]) }
    }

    @Test func theObjectsNamespaceWinsAndAConflictingFlagIsAnError() throws {
        #expect(try DeployCommand.targetNamespace(object: "a", flag: nil, context: "ctx") == "a")
        #expect(try DeployCommand.targetNamespace(object: nil, flag: "f", context: "ctx") == "f")
        #expect(try DeployCommand.targetNamespace(object: nil, flag: nil, context: "ctx") == "ctx")
        #expect(try DeployCommand.targetNamespace(object: "a", flag: "a", context: "ctx") == "a")
        #expect(throws: DeployCommand.NamespaceMismatch.self) { try DeployCommand.targetNamespace(object: "a", flag: "b", context: "ctx") }
    }

    @Test func theAppliedBodyHasNoStatusOrServerMetadata() throws {
        var m = ObjectMeta(name: "llm", uid: "u", resourceVersion: "9", labels: ["team": "x"])
        m.managedFields = [["manager": "kubectl"]]
        let object = DynamoDeployment(metadata: m, spec: DynamoDeploymentSpec(components: []),
                                      status: DynamoDeploymentStatus(phase: .ready))
        let body = try DeployCommand.applyBody(object, namespace: "ns")
        #expect(body["status"] == nil)
        #expect(body["metadata"] == ["name": "llm", "namespace": "ns", "labels": ["team": "x"]])
        #expect(body["apiVersion"] == "nvidia.com/v1alpha1" && body["kind"] == "DynamoDeployment")
        #expect(body["spec"] != nil)
    }

    @Test func outcomesAreJudgedLikeKubectl() {
        let live: JSONValue = ["metadata": ["name": "llm", "resourceVersion": "5", "generation": 1, "managedFields": []],
                               "spec": ["components": []], "status": ["phase": "Ready"]]
        #expect(ApplyOutcome(before: nil, after: live) == .created)
        var sameButRewritten = live
        sameButRewritten[path: ["metadata", "managedFields"]] = [["manager": "dynamo-operator-cli"]]
        sameButRewritten["status"] = ["phase": "Progressing"]
        #expect(ApplyOutcome(before: live, after: sameButRewritten) == .unchanged)
        var changed = live
        changed[path: ["spec", "version"]] = "2"
        changed[path: ["metadata", "generation"]] = 2
        #expect(ApplyOutcome(before: live, after: changed) == .configured)
    }

    @Test func failedAppliesSayWhatToDo() {
        #expect(DeployCommand.message(for: apiError(404, StatusReason.notFound), namespace: "ns", server: "s")
                == StartupError.crdNotInstalled.description)
        #expect(DeployCommand.message(for: apiError(409, StatusReason.conflict), namespace: "ns", server: "s").contains("--force-conflicts"))
        #expect(DeployCommand.message(for: apiError(422, StatusReason.invalid), namespace: "ns", server: "s").hasPrefix("refused by the API server"))
    }
}

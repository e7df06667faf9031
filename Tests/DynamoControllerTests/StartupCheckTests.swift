import Foundation
import Testing
import KubeClient
import KubeModel
import DynamoAPI
@testable import DynamoController

@Suite struct StartupCheckTests {
    let server = "https://10.0.0.1:6443"

    @Test func aMissingCRDNamesTheFix() {
        let e = StartupCheck.classify(apiError(404, StatusReason.notFound), verb: "list", resource: DynamoDeployment.resource, namespace: nil, server: server)
        #expect(e == .crdNotInstalled)
        #expect(e.description == "the DynamoDeployment CRD (dynamodeployments.nvidia.com) is not installed: kubectl apply -f deploy/crds/")
    }

    @Test func forbiddenAtClusterScopeNamesVerbResourceAndClusterRole() {
        let denied = apiError(403, StatusReason.forbidden, details: .init(group: "apps", kind: "deployments"))
        let e = StartupCheck.classify(denied, verb: "list", resource: .deployments, namespace: nil, server: server)
        #expect(e.description == "forbidden: cannot list deployments.apps at the cluster scope — apply deploy/manifests/clusterrole.yaml")
    }

    @Test func forbiddenInANamespacePointsAtTheNamespacedRole() {
        let denied = apiError(403, StatusReason.forbidden, details: .init(kind: "services"))
        let e = StartupCheck.classify(denied, verb: "list", resource: .services, namespace: "team-a", server: server)
        #expect(e.description == "forbidden: cannot list services in the namespace \"team-a\" — apply deploy/namespaced/role.yaml")
    }

    @Test func forbiddenWithoutDetailsFallsBackToTheRequestedResource() {
        let e = StartupCheck.classify(apiError(403, StatusReason.forbidden), verb: "list", resource: .horizontalPodAutoscalers, namespace: nil, server: server)
        #expect(e == .forbidden(verb: "list", resource: "horizontalpodautoscalers.autoscaling", scope: "at the cluster scope",
                                fix: StartupCheck.clusterRoleManifest))
    }

    @Test func aForbiddenLeasePointsAtTheLeaderElectionRole() {
        let denied = apiError(403, StatusReason.forbidden, details: .init(group: "coordination.k8s.io", kind: "leases"))
        let e = StartupCheck.classify(denied, verb: "get", resource: .leases, namespace: "dynamo-system", server: server)
        #expect(e.description == "forbidden: cannot get leases.coordination.k8s.io in the namespace \"dynamo-system\" — apply deploy/manifests/leader-election-role.yaml")
    }

    @Test func transportUnauthorizedAndOtherFailuresStayDistinct() {
        let unreachable = StartupCheck.classify(KubeError.transport("cannot connect to the API server at https://10.0.0.1:6443/apis: refused"),
                                                verb: "get", resource: .deployments, namespace: nil, server: server)
        #expect(unreachable.description.contains("https://10.0.0.1:6443"))
        #expect(unreachable == .unreachable("cannot connect to the API server at https://10.0.0.1:6443/apis: refused"))
        #expect(StartupCheck.classify(apiError(401, StatusReason.unauthorized), verb: "list", resource: .deployments, namespace: nil, server: server)
                == .unauthorized(server: server))
        // A 404 of a built-in kind is not "the CRD is missing".
        if case .failed = StartupCheck.classify(apiError(404, StatusReason.notFound), verb: "list", resource: .deployments, namespace: nil, server: server) {} else {
            Issue.record("a 404 on deployments must not be reported as a missing CRD")
        }
        #expect(StartupCheck.classify(KubeError.config("no kubeconfig"), verb: "load", resource: .namespaces, namespace: nil, server: server)
                == .configuration("no kubeconfig"))
    }

    @Test func discoveryMustListTheResource() {
        let served = Data(#"{"kind":"APIResourceList","groupVersion":"nvidia.com/v1alpha1","resources":[{"name":"dynamodeployments","namespaced":true,"kind":"DynamoDeployment"},{"name":"dynamodeployments/status"}]}"#.utf8)
        #expect(StartupCheck.servesResource(discovery: served, plural: "dynamodeployments"))
        let other = Data(#"{"kind":"APIResourceList","groupVersion":"nvidia.com/v1alpha1","resources":[{"name":"somethingelse"}]}"#.utf8)
        #expect(!StartupCheck.servesResource(discovery: other, plural: "dynamodeployments"))
        #expect(!StartupCheck.servesResource(discovery: Data("not json".utf8), plural: "dynamodeployments"))
    }

    @Test func anUnreachableServerFailsStartupNamingItsURL() {
        let client = KubeClient(config: ClusterConfig(server: closedPortURL))
        do {
            try StartupCheck.run(client: client, namespace: nil, leaseNamespace: "ns", leaseName: "l")
            Issue.record("startup must fail without a server")
        } catch let e as StartupError {
            guard case .unreachable(let m) = e else { Issue.record("expected unreachable, got \(e)"); return }
            #expect(m.contains("127.0.0.1:1"))
        } catch {
            Issue.record("expected a StartupError, got \(error)")
        }
    }
}

@Suite struct OperatorRuntimeTests {
    func runtime(leaderElection: Bool) throws -> OperatorRuntime {
        let client = KubeClient(config: ClusterConfig(server: closedPortURL))
        let config = OperatorConfiguration(namespace: nil, workers: 2,
                                           leaderElection: leaderElection ? LeaderElectionSettings(namespace: "ns", identity: "test_1") : nil,
                                           drainTimeout: 1)
        return try OperatorRuntime(client: client, configuration: config)
    }

    @Test func withoutASyncedCacheNothingIsReadyAndShutdownIsClean() throws {
        let r = try runtime(leaderElection: false)
        r.start()
        #expect(!r.hasSynced)
        #expect(r.shutdown() == .shutdown(drained: true))
        #expect(r.wait(timeout: 5) == .shutdown(drained: true))
        #expect(!r.isLeader)
    }

    @Test func aStandbyThatCannotReachTheLeaseNeverLeadsAndStopsCleanly() throws {
        let r = try runtime(leaderElection: true)
        r.start()
        #expect(!r.isLeader)
        #expect(r.shutdown() == .shutdown(drained: true))
        // Shutdown is idempotent and reports the same ending.
        #expect(r.shutdown() == .shutdown(drained: true))
    }

    @Test func aRuntimeNeverStartedShutsDownAtOnce() throws {
        let r = try runtime(leaderElection: true)
        #expect(r.shutdown() == .shutdown(drained: true))
        #expect(r.wait(timeout: 1) == .shutdown(drained: true))
    }

    @Test func invalidLeaderElectionTimingIsRefusedAtConstruction() {
        let client = KubeClient(config: ClusterConfig(server: closedPortURL))
        let bad = LeaderElectionSettings(namespace: "ns", timing: .init(leaseDuration: 5, renewDeadline: 10, retryPeriod: 2))
        #expect(throws: (any Error).self) { _ = try OperatorRuntime(client: client, configuration: OperatorConfiguration(leaderElection: bad)) }
    }
}

import Foundation
import Testing
import KubeClient
import KubeModel
import KubeStandin
import DynamoAPI

/// The operator converges through crashes, API server restarts, dropped watches, error bursts,
/// and with a standby replica under leader election.
@Suite("e2e: resilience", .serialized)
struct ResilienceScenarios {
    /// Faults are injected into the stand-in; a real cluster cannot be made to fail on cue.
    static var onStandin: Bool { !E2ESettings.current.onRealCluster }

    @Test("an operator killed with SIGKILL mid-reconcile converges after a restart, with no duplicates")
    func killedMidReconcileConverges() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            let first = try s.startOperator(name: "first")
            try s.apply("crash", components: Graph.aggregated())
            _ = try eventually("the first child written") { try s.deployment("crash-backend") }
            first.kill()
            try s.apply("crash", components: Graph.aggregated(backendReplicas: 2))
            try s.startOperator(name: "second")
            let dd = try s.waitReady("crash")
            #expect(dd.status?.readyComponents == "3/3")
            let names = try s.deployments(of: "crash").compactMap(\.metadata.name).sorted()
            #expect(names == ["crash-backend", "crash-frontend", "crash-processor"], "exactly one Deployment per component")
            #expect(try s.deployment("crash-backend")?.spec?.replicas == 2)
        }
    }

    @Test("dropped connections, cut watch streams and an expired watch do not stop convergence", .enabled(if: onStandin))
    func apiServerRestartAndDroppedWatches() throws {
        let s = try Scenario()
        defer { s.finish() }
        let api = try #require(s.cluster.api)
        let server = try #require(s.cluster.server)
        try s.check {
            try s.startOperator()
            try s.apply("restart", components: Graph.aggregated())
            try s.waitReady("restart")
            // A server restart as clients see it: every connection dropped, state kept.
            server.dropAllConnections()
            api.cutWatches()
            api.faults.expireNextWatch(4)
            try s.apply("restart", components: Graph.aggregated(backendReplicas: 2))
            _ = try eventually("backend scaled after the restart") { () -> Bool? in
                try s.deployment("restart-backend")?.spec?.replicas == 2 ? true : nil
            }
            // A child deleted after the drop is seen through the re-established watches.
            try s.client.delete(.deployments, namespace: s.namespace, name: "restart-frontend")
            _ = try eventually("frontend recreated through the new watch") { () -> Deployment? in
                guard let d = try s.deployment("restart-frontend"), d.metadata.deletionTimestamp == nil else { return nil }
                return d
            }
            try s.waitReady("restart")
        }
    }

    @Test("bursts of 500 and 429 answers delay convergence but do not prevent it", .enabled(if: onStandin))
    func errorBurstsConverge() throws {
        let s = try Scenario()
        defer { s.finish() }
        let api = try #require(s.cluster.api)
        try s.check {
            try s.startOperator()
            // Only the operator's writes fail: its applies of children and its status writes.
            let children = "/namespaces/\(s.namespace)/deployments"
            let services = "/namespaces/\(s.namespace)/services"
            api.faults.failNext(6, .init(verb: "patch", pathContains: children), with: .init(status: 500))
            api.faults.failNext(6, .init(verb: "patch", pathContains: services), with: .init(status: 429, retryAfter: 1))
            api.faults.failNext(3, .init(verb: "patch", pathContains: "dynamodeployments/burst/status"), with: .init(status: 503))
            try s.apply("burst", components: Graph.aggregated())
            let dd = try s.waitReady("burst")
            #expect(dd.status?.readyComponents == "3/3")
        }
    }

    @Test("two operators with leader election: one acts, the other takes over when it leaves")
    func leaderElectionHandsOver() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            let a = try s.startOperator(name: "a", leaderElect: true)
            let b = try s.startOperator(name: "b", leaderElect: true)
            let holder = try eventually("a leader elected") { () -> String? in
                let lease = try s.client.get(Lease.self, namespace: s.namespace, name: "dynamo-operator-leader")
                return lease.spec?.holderIdentity
            }
            try s.apply("le", components: Graph.aggregated())
            try s.waitReady("le")

            // Exactly one of them leads and reconciles; the standby never logs a reconcile.
            let leading = OperatorProcess.leadingMarker
            #expect(a.log().contains(leading) != b.log().contains(leading), "exactly one operator may lead")
            let (leader, standby) = a.log().contains(leading) ? (a, b) : (b, a)
            #expect(leader.log().contains(OperatorProcess.reconciledMarker))
            #expect(!standby.log().contains(OperatorProcess.reconciledMarker), "the standby must not reconcile while the leader holds the lease")

            // A graceful stop releases the lease; the standby takes over and acts on a change.
            #expect(leader.stop() == 0)
            let newHolder = try eventually("the standby took the lease") { () -> String? in
                let h = try s.client.get(Lease.self, namespace: s.namespace, name: "dynamo-operator-leader").spec?.holderIdentity
                return h != nil && h != holder && h != "" ? h : nil
            }
            #expect(newHolder != holder)
            try s.apply("le", components: Graph.aggregated(backendReplicas: 2))
            _ = try eventually("the new leader scaled backend") { () -> Bool? in
                try s.deployment("le-backend")?.spec?.replicas == 2 ? true : nil
            }
        }
    }
}

import Foundation
import Testing
import KubeModel
import DynamoAPI
@testable import DynamoController

/// The reconciler against an in-memory cluster: ordering, zero idle writes, drift, pruning,
/// invalid specs and deletion, without any server.
@Suite struct ReconcilerTests {
    let key = ObjectKey(namespace: "ns", name: "llm")
    let cluster = FakeCluster()
    var reconciler: DynamoReconciler { DynamoReconciler(state: cluster, writer: cluster, events: cluster, now: { Date(timeIntervalSince1970: 1_800_000_000) }) }

    /// frontend -> processor -> backend, plus an unrelated planner sidecar.
    func graph(backendImage: String = "vllm:1", withRouter: Bool = false) -> DynamoDeployment {
        var components = [
            Component(name: "frontend", image: "dynamo:1", replicas: 2, ports: [ComponentPort(name: "http", port: 8000)], dependsOn: ["processor"]),
            Component(name: "processor", image: "dynamo:1", ports: [ComponentPort(name: "grpc", port: 9000)], dependsOn: ["backend"]),
            Component(name: "backend", image: backendImage, ports: [ComponentPort(name: "grpc", port: 9100)]),
        ]
        if withRouter { components.append(Component(name: "router", image: "dynamo:1", dependsOn: ["backend"])) }
        return DynamoDeployment(metadata: ObjectMeta(name: "llm", namespace: "ns"), spec: DynamoDeploymentSpec(components: components))
    }

    func statusOf(_ component: String) -> ComponentStatus? {
        cluster.dd(key)?.status?.components?.first { $0.name == component }
    }

    @Test func createsComponentsInDependencyOrderAndReportsReadyOnlyAtTheEnd() throws {
        cluster.put(graph())
        var outcome = try reconciler.reconcile(key)
        #expect(outcome.applied.sorted() == ["Deployment/llm-backend", "Service/llm-backend"])
        // One event per component: its Service first, then its Deployment.
        #expect(cluster.events.filter { $0.contains("Created") } == ["Normal Created created Service llm-backend, Deployment llm-backend"])
        #expect(statusOf("processor")?.phase == .waiting)
        #expect(statusOf("processor")?.waitingFor == ["backend"])
        #expect(statusOf("frontend")?.waitingFor == ["processor"])
        #expect(cluster.dd(key)?.status?.phase == .progressing)
        #expect(cluster.dd(key)?.status?.readyComponents == "0/3")

        // Nothing new until the dependency is rolled out.
        outcome = try reconciler.reconcile(key)
        #expect(outcome.applied.isEmpty)

        cluster.setRolledOut("ns", "llm-backend")
        outcome = try reconciler.reconcile(key)
        #expect(outcome.applied.sorted() == ["Deployment/llm-processor", "Service/llm-processor"])
        cluster.setRolledOut("ns", "llm-processor")
        outcome = try reconciler.reconcile(key)
        #expect(outcome.applied.sorted() == ["Deployment/llm-frontend", "Service/llm-frontend"])
        #expect(!Conditions.isTrue(cluster.dd(key)?.status?.conditions, "Ready"))
        cluster.setRolledOut("ns", "llm-frontend")
        outcome = try reconciler.reconcile(key)
        #expect(outcome.applied.isEmpty)
        let status = try #require(cluster.dd(key)?.status)
        #expect(status.phase == .ready)
        #expect(status.readyComponents == "3/3")
        #expect(Conditions.isTrue(status.conditions, "Ready"))
        #expect(status.observedGeneration == 1)

        // A converged graph reconciles with zero writes.
        cluster.resetWrites()
        outcome = try reconciler.reconcile(key)
        #expect(outcome.writes == 0)
        #expect(cluster.writes.isEmpty)
    }

    func converge() throws {
        cluster.put(graph())
        for _ in 0..<4 {
            _ = try reconciler.reconcile(key)
            for c in ["backend", "processor", "frontend"] { cluster.setRolledOut("ns", "llm-\(c)") }
        }
        _ = try reconciler.reconcile(key)
        #expect(cluster.dd(key)?.status?.phase == .ready)
    }

    @Test func revertsHandEditsOfOwnedFieldsButKeepsOthers() throws {
        try converge()
        cluster.edit("Deployment", "ns", "llm-backend") { d in
            var containers = d[path: ["spec", "template", "spec", "containers"]]!.arrayValue!
            containers[0]["image"] = "hacked:1"
            d[path: ["spec", "template", "spec", "containers"]] = .array(containers)
        }
        var outcome = try reconciler.reconcile(key)
        #expect(outcome.applied == ["Deployment/llm-backend"])
        #expect(cluster.child("Deployment", "ns", "llm-backend")?[path: ["spec", "template", "spec", "containers"]]?.arrayValue?[0]["image"] == "vllm:1")
        #expect(cluster.events.contains { $0.hasPrefix("Normal Updated updated Deployment llm-backend") })

        // Someone else's annotation (kubectl rollout restart) is not drift.
        cluster.setRolledOut("ns", "llm-backend")
        cluster.edit("Deployment", "ns", "llm-backend") { d in
            d[path: ["spec", "template", "metadata", "annotations", "kubectl.kubernetes.io/restartedAt"]] = "2026-11-22T00:00:00Z"
        }
        _ = try reconciler.reconcile(key)
        cluster.resetWrites()
        outcome = try reconciler.reconcile(key)
        #expect(outcome.applied.isEmpty)
    }

    @Test func recreatesAChildDeletedByHand() throws {
        try converge()
        cluster.remove("Service", "ns", "llm-processor")
        let outcome = try reconciler.reconcile(key)
        #expect(outcome.applied == ["Service/llm-processor"])
    }

    @Test func prunesRemovedComponentsAndNothingElse() throws {
        try converge()
        var dd = graph()
        dd.spec.components.removeAll { $0.name == "frontend" }
        cluster.put(dd)
        let outcome = try reconciler.reconcile(key)
        #expect(outcome.deleted.sorted() == ["Deployment/llm-frontend", "Service/llm-frontend"])
        #expect(cluster.child("Deployment", "ns", "llm-frontend") == nil)
        #expect(cluster.child("Deployment", "ns", "llm-backend") != nil)
    }

    @Test func existingComponentsAreNeverHeldBackByAnUnreadyDependency() throws {
        try converge()
        cluster.setRolledOut("ns", "llm-backend", ready: false)
        var dd = graph()
        dd.spec.components[0].image = "dynamo:2"   // frontend update while backend is unready
        cluster.put(dd)
        let outcome = try reconciler.reconcile(key)
        #expect(outcome.applied.contains("Deployment/llm-frontend"))
        #expect(outcome.deleted.isEmpty)
        #expect(cluster.dd(key)?.status?.phase == .degraded)
        #expect(!Conditions.isTrue(cluster.dd(key)?.status?.conditions, "Ready"))
    }

    @Test func invalidSpecTouchesNoChild() throws {
        try converge()
        let before = cluster.childIDs
        var dd = graph()
        dd.spec.components[2].dependsOn = ["frontend"]   // backend -> frontend closes a cycle
        dd.spec.components[1].image = "dynamo:9"
        cluster.put(dd)
        cluster.resetWrites()
        let outcome = try reconciler.reconcile(key)
        #expect(outcome.skipped == .invalid)
        #expect(outcome.applied.isEmpty && outcome.deleted.isEmpty)
        #expect(cluster.writes == ["status ns/llm"])
        #expect(cluster.childIDs == before)
        let status = try #require(cluster.dd(key)?.status)
        let valid = try #require(status.conditions?.first { $0.type == "Valid" })
        #expect(valid.status == "False")
        #expect(valid.reason == "InvalidSpec")
        #expect(valid.message.contains("dependency cycle"))
        #expect(!Conditions.isTrue(status.conditions, "Ready"))
        #expect(cluster.events.contains { $0.hasPrefix("Warning InvalidSpec") })
    }

    @Test func deletingObjectGetsNoWrites() throws {
        try converge()
        var dd = try #require(cluster.dd(key))
        dd.metadata.deletionTimestamp = "2026-11-22T00:00:00Z"
        cluster.store.withLock { $0.dds[key] = dd }
        cluster.remove("Deployment", "ns", "llm-backend")   // GC under way
        cluster.resetWrites()
        let outcome = try reconciler.reconcile(key)
        #expect(outcome.skipped == .deleting)
        #expect(cluster.writes.isEmpty)
    }

    @Test func childVanishedWhileTheCacheLagsBehindTheOwnersDeletionIsNotRecreated() throws {
        try converge()
        // The server has begun deleting the owner (foreground GC removed a child) but the
        // operator's cache has not yet seen the deletionTimestamp.
        var deleting = try #require(cluster.dd(key))
        deleting.metadata.deletionTimestamp = "2026-11-22T00:00:00Z"
        cluster.setServerOwner(key, deleting)
        cluster.remove("Deployment", "ns", "llm-backend")
        cluster.resetWrites()
        let outcome = try reconciler.reconcile(key)
        #expect(outcome.skipped == .deleting)
        #expect(cluster.writes.isEmpty, "nothing may be recreated or written for an owner being deleted")
        #expect(cluster.child("Deployment", "ns", "llm-backend") == nil)
    }

    @Test func childVanishedAfterTheOwnerIsGoneIsNotRecreated() throws {
        try converge()
        cluster.setServerOwner(key, nil)   // background deletion: the owner is already gone
        cluster.remove("Service", "ns", "llm-frontend")
        cluster.resetWrites()
        #expect(try reconciler.reconcile(key).skipped == .deleting)
        #expect(cluster.writes.isEmpty)
    }

    @Test func recreationConfirmsTheOwnerOnceAndFirstCreationNeverReadsIt() throws {
        try converge()
        #expect(cluster.liveReads == 0, "creating a graph for the first time costs no extra read")
        cluster.remove("Service", "ns", "llm-processor")
        cluster.remove("Deployment", "ns", "llm-processor")
        let outcome = try reconciler.reconcile(key)
        #expect(Set(outcome.applied) == ["Service/llm-processor", "Deployment/llm-processor"])
        #expect(cluster.liveReads == 1)
    }

    @Test func goneObjectIsANoOp() throws {
        let outcome = try reconciler.reconcile(ObjectKey(namespace: "ns", name: "missing"))
        #expect(outcome.skipped == .gone)
        #expect(cluster.writes.isEmpty)
    }

    @Test func rolloutIsNotReadyUntilEveryPodIsUpdated() throws {
        try converge()
        cluster.put(graph(backendImage: "vllm:2"))
        _ = try reconciler.reconcile(key)
        // Generation moved; the Deployment controller has not caught up: not Ready.
        #expect(cluster.dd(key)?.status?.phase != .ready)
        #expect(!Conditions.isTrue(cluster.dd(key)?.status?.conditions, "Ready"))
        #expect(statusOf("backend")?.phase == .progressing)
        cluster.setRolledOut("ns", "llm-backend")
        _ = try reconciler.reconcile(key)
        #expect(Conditions.isTrue(cluster.dd(key)?.status?.conditions, "Ready"))
        #expect(cluster.dd(key)?.status?.observedGeneration == 2)
    }
}

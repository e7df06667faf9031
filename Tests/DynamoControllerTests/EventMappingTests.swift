import Foundation
import Synchronization
import Testing
import KubeModel
import KubeRuntime
import DynamoAPI
@testable import DynamoController
import TestPolling

/// Serves a fixed list, then a watch that only waits for `stop` (the informer's steady state).
final class StaticSource<T: KubeResource>: ListerWatcher, @unchecked Sendable {
    typealias Object = T
    let items: [T]
    init(_ items: [T]) { self.items = items }
    func list(_ page: ListPage) throws -> ObjectList<T> { ObjectList(metadata: ListMeta(resourceVersion: "10"), items: items) }
    func watch(resourceVersion: String, timeoutSeconds: Int, stop: WatchStop, onEvent: (InformerEvent<T>) throws -> Void) throws {
        while !stop.isStopped { usleep(2_000) }
    }
    func isExpired(_ error: Error) -> Bool { false }
}

func meta(_ name: String, ns: String = "ns", rv: String = "1", generation: Int64 = 1, owner: (kind: String, name: String, uid: String)? = nil,
          controller: Bool = true) -> ObjectMeta {
    var m = ObjectMeta(name: name, namespace: ns, uid: "uid-\(name)", resourceVersion: rv, generation: generation)
    if let owner {
        m.ownerReferences = [OwnerReference(apiVersion: "nvidia.com/v1alpha1", kind: owner.kind, name: owner.name, uid: owner.uid, controller: controller)]
    }
    return m
}

func dd(_ name: String, ns: String = "ns", uid: String? = nil) -> DynamoDeployment {
    var m = meta(name, ns: ns)
    m.uid = uid ?? "uid-\(name)"
    return DynamoDeployment(metadata: m, spec: DynamoDeploymentSpec(components: []))
}

@Suite struct EventMappingTests {
    @Test func statusOnlyUpdatesAreDroppedSpecAndMetadataChangesPass() {
        let old = meta("a", rv: "1", generation: 3)
        var statusOnly = old
        statusOnly.resourceVersion = "2"
        #expect(!EventMapping.shouldEnqueueUpdate(old: old, new: statusOnly))

        var newSpec = statusOnly
        newSpec.generation = 4
        #expect(EventMapping.shouldEnqueueUpdate(old: old, new: newSpec))

        var relabelled = statusOnly
        relabelled.labels = ["team": "x"]
        #expect(EventMapping.shouldEnqueueUpdate(old: old, new: relabelled))

        var deleting = statusOnly
        deleting.deletionTimestamp = "2026-01-01T00:00:00Z"
        #expect(EventMapping.shouldEnqueueUpdate(old: old, new: deleting))
    }

    @Test func aResyncReplaysTheSameVersionAndIsEnqueued() {
        let m = meta("a", rv: "5")
        #expect(EventMapping.shouldEnqueueUpdate(old: m, new: m))
    }

    @Test func childrenMapToTheirControllingDynamoDeploymentOnly() {
        let child = meta("llm-frontend", owner: ("DynamoDeployment", "llm", "u1"))
        #expect(EventMapping.ownerKey(of: child) == ObjectKey(namespace: "ns", name: "llm"))
        #expect(EventMapping.ownerKey(of: meta("rs", owner: ("Deployment", "llm", "u1"))) == nil)
        #expect(EventMapping.ownerKey(of: meta("x", owner: ("DynamoDeployment", "llm", "u1"), controller: false)) == nil)
        #expect(EventMapping.ownerKey(of: meta("orphan")) == nil)
    }

    @Test func aChildThatChangedOwnersWakesBoth() {
        let old = meta("c", owner: ("DynamoDeployment", "a", "ua"))
        let new = meta("c", rv: "2", owner: ("DynamoDeployment", "b", "ub"))
        #expect(EventMapping.ownerKeys(old: old, new: new) == [ObjectKey(namespace: "ns", name: "b"), ObjectKey(namespace: "ns", name: "a")])
        #expect(EventMapping.ownerKeys(old: new, new: new) == [ObjectKey(namespace: "ns", name: "b")])
    }

    @Test func informersWiredWithTheHandlersFillTheQueueWithOwnerKeys() throws {
        let queue = WorkQueue<ObjectKey>(clock: ManualClock())
        let enqueue: @Sendable (ObjectKey) -> Void = { queue.add($0) }
        let owners = Informer(source: StaticSource([dd("llm"), dd("chat", ns: "other")]),
                              handlers: EventMapping.ownerHandlers(for: StaticSource<DynamoDeployment>.self, enqueue))
        let children = Informer(source: StaticSource([
            Deployment(metadata: meta("llm-frontend", owner: ("DynamoDeployment", "llm", "uid-llm"))),
            Deployment(metadata: meta("unrelated")),
            Deployment(metadata: meta("other-owner", owner: ("StatefulSet", "db", "u9"))),
        ]), handlers: EventMapping.childHandlers(for: StaticSource<Deployment>.self, enqueue))
        owners.run()
        children.run()
        defer {
            owners.stop()
            children.stop()
        }
        #expect(pollUntil(5) { owners.hasSynced && children.hasSynced })
        var keys: Set<ObjectKey> = []
        while queue.count > 0, let k = queue.get() {
            keys.insert(k)
            queue.done(k)
        }
        // The child's event folded into its owner's key; foreign children added nothing.
        #expect(keys == [ObjectKey(namespace: "ns", name: "llm"), ObjectKey(namespace: "other", name: "chat")])
    }
}

@Suite struct InformerClusterStateTests {
    @Test func readsComeFromTheStoresByKeyAndOwnerUIDWithinTheNamespace() {
        let ddInformer = Informer(source: StaticSource([dd("llm", uid: "u1")]))
        let owned = { (name: String, ns: String) in meta(name, ns: ns, owner: ("DynamoDeployment", "llm", "u1")) }
        let deployments = Informer(source: StaticSource([
            Deployment(metadata: owned("llm-frontend", "ns")),
            Deployment(metadata: owned("impostor", "elsewhere")),
            Deployment(metadata: meta("unowned")),
        ]))
        let services = Informer(source: StaticSource([Service(metadata: owned("llm-frontend", "ns"))]))
        let hpas = Informer(source: StaticSource([HorizontalPodAutoscaler]()))
        let all: [() -> Bool] = [{ ddInformer.hasSynced }, { deployments.hasSynced }, { services.hasSynced }, { hpas.hasSynced }]
        ddInformer.run(); deployments.run(); services.run(); hpas.run()
        defer { ddInformer.stop(); deployments.stop(); services.stop(); hpas.stop() }
        #expect(pollUntil(5) { all.allSatisfy { $0() } })

        let state = InformerClusterState(dynamoDeployments: ddInformer.store, deployments: deployments.store,
                                         services: services.store, autoscalers: hpas.store)
        #expect(state.dynamoDeployment(ObjectKey(namespace: "ns", name: "llm"))?.metadata.uid == "u1")
        #expect(state.dynamoDeployment(ObjectKey(namespace: "ns", name: "nope")) == nil)
        #expect(state.ownedDeployments(namespace: "ns", ownerUID: "u1").map { $0.metadata.name! } == ["llm-frontend"])
        #expect(state.ownedServices(namespace: "ns", ownerUID: "u1").count == 1)
        #expect(state.ownedAutoscalers(namespace: "ns", ownerUID: "u1").isEmpty)
        #expect(state.ownedDeployments(namespace: "ns", ownerUID: "u2").isEmpty)
    }
}

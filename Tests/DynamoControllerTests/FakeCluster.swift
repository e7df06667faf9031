import Foundation
import Synchronization
import KubeModel
import DynamoAPI
@testable import DynamoController

/// An in-memory cluster for reconciler tests: applies merge like server-side apply for the
/// fields the operator sets, bumps generation on spec changes, and counts every write.
final class FakeCluster: ClusterState, ClusterWriter, EventSink, @unchecked Sendable {
    struct Store {
        var dds: [ObjectKey: DynamoDeployment] = [:]
        var children: [String: JSONValue] = [:]   // "Kind/ns/name"
        var writes: [String] = []
        var events: [String] = []
        var nextUID = 1
        /// What the API server holds for an owner when the cache (`dds`) lags behind it;
        /// `.some(nil)` means it is gone.
        var serverOwners: [ObjectKey: DynamoDeployment?] = [:]
        var liveReads = 0
    }
    let store = Mutex(Store())

    func put(_ dd: DynamoDeployment) {
        store.withLock { s in
            var dd = dd
            let key = dd.key
            if dd.metadata.uid == nil { dd.metadata.uid = s.dds[key]?.metadata.uid ?? "dd-uid-\(key.name)" }
            let old = s.dds[key]
            dd.metadata.generation = (old?.metadata.generation ?? 0) + ((old?.spec == dd.spec) ? 0 : 1)
            if dd.status == nil { dd.status = old?.status }
            s.dds[key] = dd
        }
    }

    func dd(_ key: ObjectKey) -> DynamoDeployment? { store.withLock { $0.dds[key] } }
    /// Makes the server's copy of an owner differ from the cached one (a lagging watch).
    func setServerOwner(_ key: ObjectKey, _ dd: DynamoDeployment?) { store.withLock { $0.serverOwners[key] = .some(dd) } }
    var liveReads: Int { store.withLock { $0.liveReads } }
    var writes: [String] { store.withLock { $0.writes } }
    var events: [String] { store.withLock { $0.events } }
    func resetWrites() { store.withLock { $0.writes = [] } }
    func child(_ kind: String, _ ns: String, _ name: String) -> JSONValue? { store.withLock { $0.children["\(kind)/\(ns)/\(name)"] } }
    var childIDs: [String] { store.withLock { $0.children.keys.sorted() } }

    /// Marks a Deployment rolled out (as the Deployment controller would), or not.
    func setRolledOut(_ ns: String, _ name: String, ready: Bool = true) {
        store.withLock { s in
            let id = "Deployment/\(ns)/\(name)"
            guard var d = s.children[id] else { return }
            let replicas = d[path: ["spec", "replicas"]]?.intValue ?? 1
            let gen = d[path: ["metadata", "generation"]] ?? .int(1)
            let n: JSONValue = .int(replicas)
            d["status"] = ["observedGeneration": gen, "replicas": n, "updatedReplicas": n,
                           "readyReplicas": ready ? n : 0, "availableReplicas": ready ? n : 0]
            s.children[id] = d
        }
    }

    func edit(_ kind: String, _ ns: String, _ name: String, _ change: (inout JSONValue) -> Void) {
        store.withLock { s in
            let id = "\(kind)/\(ns)/\(name)"
            guard var v = s.children[id] else { return }
            change(&v)
            s.children[id] = v
        }
    }

    func remove(_ kind: String, _ ns: String, _ name: String) {
        _ = store.withLock { $0.children.removeValue(forKey: "\(kind)/\(ns)/\(name)") }
    }

    // MARK: ClusterState

    func dynamoDeployment(_ key: ObjectKey) -> DynamoDeployment? { dd(key) }

    private func owned<T: KubeResource>(_ kind: String, _ ns: String, _ uid: String) -> [T] {
        store.withLock { s in
            s.children.filter { $0.key.hasPrefix("\(kind)/\(ns)/") }.values.compactMap { try? $0.decode(as: T.self) }
                .filter { $0.metadata.controllerOwner?.uid == uid }
        }
    }
    func ownedDeployments(namespace: String, ownerUID: String) -> [Deployment] { owned("Deployment", namespace, ownerUID) }
    func ownedServices(namespace: String, ownerUID: String) -> [Service] { owned("Service", namespace, ownerUID) }
    func ownedAutoscalers(namespace: String, ownerUID: String) -> [HorizontalPodAutoscaler] { owned("HorizontalPodAutoscaler", namespace, ownerUID) }

    // MARK: ClusterWriter

    func apply(_ object: JSONValue, resource: ResourceDescriptor, namespace: String, readBack: Bool) throws -> JSONValue? {
        store.withLock { s in
            let name = object[path: ["metadata", "name"]]!.stringValue!
            let id = "\(resource.kind)/\(namespace)/\(name)"
            s.writes.append("apply \(id)")
            var live = s.children[id] ?? ["metadata": ["uid": .string("uid-\(s.nextUID)"), "generation": 0]]
            if s.children[id] == nil { s.nextUID += 1 }
            let oldSpec = live["spec"]
            var merged = live.applyingMergePatch(object)
            // Lists of the applied object replace the live ones, as for fields one manager owns.
            merged["spec"] = object["spec"].map { (oldSpec ?? .object([:])).applyingMergePatch($0) }
            if merged["spec"] != oldSpec {
                let g = live[path: ["metadata", "generation"]]?.intValue ?? 0
                merged[path: ["metadata", "generation"]] = .int(g + 1)
            }
            merged[path: ["metadata", "namespace"]] = .string(namespace)
            live = merged
            s.children[id] = live
            return live
        }
    }

    func delete(resource: ResourceDescriptor, namespace: String, name: String, uid: String) throws -> Bool {
        store.withLock { s in
            let id = "\(resource.kind)/\(namespace)/\(name)"
            s.writes.append("delete \(id)")
            guard s.children[id]?[path: ["metadata", "uid"]]?.stringValue == uid else { return false }
            s.children.removeValue(forKey: id)
            return true
        }
    }

    func writeStatus(_ status: DynamoDeploymentStatus, of owner: DynamoDeployment) throws {
        store.withLock { s in
            s.writes.append("status \(owner.key)")
            s.dds[owner.key]?.status = status
        }
    }

    func liveOwner(namespace: String, name: String) throws -> DynamoDeployment? {
        store.withLock { s in
            s.liveReads += 1
            let key = ObjectKey(namespace: namespace, name: name)
            if let server = s.serverOwners[key] { return server }
            return s.dds[key]
        }
    }

    // MARK: EventSink

    func record(regarding: ObjectReference, type: EventType, reason: String, note: String) {
        store.withLock { $0.events.append("\(type.rawValue) \(reason) \(note)") }
    }
}

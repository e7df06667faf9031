import Foundation
import KubeModel

/// What kube-controller-manager's garbage collector and namespace controller do, run
/// asynchronously through the injected scheduler (like the real controllers, shortly after
/// the owner's deletion rather than inside it).
extension APIServer {
    /// Runs `step` on this server after the collector's delay, once the store lock is released.
    private func scheduleCollectorStep(after: inout [AfterLock], _ step: @escaping @Sendable (APIServer) -> Void) {
        let scheduler = options.scheduler
        let delay = options.garbageCollectionDelay
        after.append { [weak self] in
            guard let server = self else { return }
            scheduler.schedule(after: delay) { [weak server] in server.map(step) }
        }
    }

    func scheduleCollection(ownerUID: String, after: inout [AfterLock]) {
        scheduleCollectorStep(after: &after) { $0.collectDependents(ownerUID: ownerUID) }
    }

    func scheduleForeground(_ owner: ObjectRef, uid: String, after: inout [AfterLock]) {
        scheduleCollectorStep(after: &after) { $0.foregroundStep(owner, uid: uid) }
    }

    func scheduleOrphaning(_ owner: ObjectRef, uid: String, after: inout [AfterLock]) {
        scheduleCollectorStep(after: &after) { $0.orphanStep(owner, uid: uid) }
    }

    func scheduleNamespaceCleanup(_ ns: String, after: inout [AfterLock]) {
        scheduleCollectorStep(after: &after) { $0.cleanNamespace(ns) }
    }

    /// Background GC: dependents for which the owner `ownerUID` is absent are deleted when no other
    /// owner of theirs is present, or lose the dangling reference when one is.
    func collectDependents(ownerUID: String) {
        let after = state.withLock { s -> [AfterLock] in
            var after: [AfterLock] = []
            for dep in s.sortedDependents(of: ownerUID) {
                guard let obj = s.get(dep.groupResource, dep.namespace, dep.name)?.object else { continue }
                let refs = obj[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
                guard let gone = refs.first(where: { $0["uid"]?.stringValue == ownerUID }),
                      Self.owner(gone, of: dep, in: s) == .absent else { continue }
                let others = refs.filter { $0["uid"]?.stringValue != ownerUID && Self.owner($0, of: dep, in: s) != .absent }
                if others.isEmpty {
                    deleteDependent(&s, dep, after: &after)
                } else {
                    removeOwnerReference(&s, dep, ownerUID: ownerUID)
                }
            }
            return after
        }
        runAfter(after)
    }

    /// What the garbage collector finds when it looks up the owner an `ownerReferences` entry
    /// names: the object with that uid, in the dependent's namespace (or cluster-scoped), under
    /// that name. A namespaced owner in another namespace, or a uid now held by another name, is
    /// absent, as the real collector's lookup by namespace and name decides.
    enum OwnerState: Equatable {
        case absent
        /// Deleting with `propagationPolicy: Foreground`: it waits for its dependents.
        case deletingDependents(ObjectRef)
        case present
    }

    static func owner(_ reference: JSONValue, of dependent: ObjectRef, in s: ServerState) -> OwnerState {
        guard let uid = reference["uid"]?.stringValue, let ref = s.byUID[uid],
              ref.name == reference["name"]?.stringValue,
              ref.namespace.isEmpty || ref.namespace == dependent.namespace,
              let owner = s.get(ref.groupResource, ref.namespace, ref.name)?.object else { return .absent }
        if owner[path: ["metadata", "deletionTimestamp"]] != nil,
           (owner[path: ["metadata", "finalizers"]]?.arrayValue ?? []).contains(.string(foregroundDeletionFinalizer)) {
            return .deletingDependents(ref)
        }
        return .present
    }

    /// A create or update that adds an owner reference: when the owner is absent (never existed,
    /// already deleted, or in another namespace) the dependent is collected as if the owner had
    /// just been deleted; when the owner is being deleted in the foreground, the dependent is
    /// deleted with the owner's other dependents. The real collector reaches the same end through
    /// its "virtual" owner nodes and the owner's wait for its dependents.
    func collectIfOwnerless(_ s: inout ServerState, _ dependent: ObjectRef, old: JSONValue?, new: JSONValue, after: inout [AfterLock]) {
        let before = Set(ServerState.ownerUIDs(old))
        for reference in new[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [] {
            guard let uid = reference["uid"]?.stringValue, !before.contains(uid) else { continue }
            switch Self.owner(reference, of: dependent, in: s) {
            case .absent: scheduleCollection(ownerUID: uid, after: &after)
            case .deletingDependents(let owner): scheduleForeground(owner, uid: uid, after: &after)
            case .present: break
            }
        }
    }

    private func deleteDependent(_ s: inout ServerState, _ dep: ObjectRef, after: inout [AfterLock]) {
        guard let info = s.registry.info(dep.groupResource), let obj = s.get(dep.groupResource, dep.namespace, dep.name)?.object,
              obj[path: ["metadata", "deletionTimestamp"]] == nil else { return }
        let (_, more) = deleteLocked(&s, info, dep.namespace, dep.name, DeleteOptions(), apiVersion: obj["apiVersion"]?.stringValue ?? "")
        after += more
    }

    /// Foreground deletion: delete the dependents (a dependent with another present owner loses
    /// only its reference to this one); once none remain, drop the `foregroundDeletion` finalizer
    /// (removing the owner when no finalizer is left).
    func foregroundStep(_ owner: ObjectRef, uid: String) {
        let after = state.withLock { s -> [AfterLock] in
            guard let info = s.registry.info(owner.groupResource),
                  var obj = s.get(owner.groupResource, owner.namespace, owner.name)?.object,
                  obj[path: ["metadata", "uid"]]?.stringValue == uid else { return [] }
            var after: [AfterLock] = []
            for dep in s.sortedDependents(of: uid) {
                // A dependent another present owner still holds only loses this reference.
                let refs = s.get(dep.groupResource, dep.namespace, dep.name)?.object[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []
                if refs.contains(where: { $0["uid"]?.stringValue != uid && Self.owner($0, of: dep, in: s) == .present }) {
                    removeOwnerReference(&s, dep, ownerUID: uid)
                } else {
                    deleteDependent(&s, dep, after: &after)
                }
            }
            guard (s.dependents[uid] ?? []).isEmpty else { return after }
            removeFinalizer(&s, info, owner, &obj, foregroundDeletionFinalizer, after: &after)
            return after
        }
        runAfter(after)
    }

    /// Orphan deletion: drop the owner's reference from every dependent, then the `orphan`
    /// finalizer (removing the owner when no finalizer is left).
    func orphanStep(_ owner: ObjectRef, uid: String) {
        let after = state.withLock { s -> [AfterLock] in
            guard let info = s.registry.info(owner.groupResource),
                  var obj = s.get(owner.groupResource, owner.namespace, owner.name)?.object,
                  obj[path: ["metadata", "uid"]]?.stringValue == uid,
                  (obj[path: ["metadata", "finalizers"]]?.arrayValue ?? []).contains(.string(orphanFinalizer)) else { return [] }
            for dep in s.sortedDependents(of: uid) {
                removeOwnerReference(&s, dep, ownerUID: uid)
            }
            var after: [AfterLock] = []
            removeFinalizer(&s, info, owner, &obj, orphanFinalizer, after: &after)
            return after
        }
        runAfter(after)
    }

    /// Drops `finalizer` from a deleting owner. When it was the last one the owner is removed as
    /// stored, without an update first: the collector's patch takes the store's
    /// emptied-finalizers path, so watchers see only DELETED.
    private func removeFinalizer(_ s: inout ServerState, _ info: ResourceInfo, _ owner: ObjectRef, _ obj: inout JSONValue,
                                 _ finalizer: String, after: inout [AfterLock]) {
        let remaining = (obj[path: ["metadata", "finalizers"]]?.arrayValue ?? []).filter { $0 != .string(finalizer) }
        guard remaining.isEmpty else {
            obj[path: ["metadata", "finalizers"]] = .array(remaining)
            s.commit(info, owner.namespace, owner.name, obj)
            return
        }
        let removed = s.commitRemoval(info, owner.namespace, owner.name) ?? obj
        afterRemoval(&s, info, ns: owner.namespace, name: owner.name, removed: removed, after: &after)
    }

    /// The namespace controller: delete everything in a terminating namespace, then remove it.
    func cleanNamespace(_ ns: String) {
        let after = state.withLock { s -> [AfterLock] in
            guard let nsInfo = s.registry.info("namespaces"), let nsObj = s.get("namespaces", "", ns)?.object,
                  nsObj[path: ["metadata", "deletionTimestamp"]] != nil else { return [] }
            var after: [AfterLock] = []
            var remaining = false
            for gr in s.tables.keys.sorted() where gr != "namespaces" {
                guard let info = s.registry.info(gr), info.namespaced, var table = s.tables[gr] else { continue }
                for name in table.sortedNames(ns) {
                    guard let obj = table.get(ns, name)?.object else { continue }
                    remaining = true
                    if obj[path: ["metadata", "deletionTimestamp"]] == nil {
                        let (_, more) = deleteLocked(&s, info, ns, name, DeleteOptions(), apiVersion: obj["apiVersion"]?.stringValue ?? "")
                        after += more
                    }
                }
            }
            if remaining {
                remaining = s.tables.contains { gr, table in gr != "namespaces" && !table.sortedNamesReadOnly(ns).isEmpty }
            }
            if !remaining {
                var final = nsObj
                final[path: ["spec", "finalizers"]] = nil
                s.commit(nsInfo, "", ns, final)
                s.commitRemoval(nsInfo, "", ns)
            }
            return after
        }
        runAfter(after)
    }
}

extension ServerState {
    /// The objects naming `ownerUID` as an owner, by namespace and name: the collector's steps
    /// visit them in a fixed order, so their writes (and watch events) are deterministic.
    func sortedDependents(of ownerUID: String) -> [ObjectRef] {
        (dependents[ownerUID] ?? []).sorted { ($0.namespace, $0.name) < ($1.namespace, $1.name) }
    }
}

extension ResourceTable {
    /// Whether a namespace holds objects, without touching the order cache.
    func sortedNamesReadOnly(_ namespace: String) -> [String] { buckets[namespace].map { Array($0.objects.keys) } ?? [] }
}

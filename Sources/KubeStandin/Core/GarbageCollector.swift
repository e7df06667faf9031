import Foundation
import KubeModel

/// What kube-controller-manager's garbage collector and namespace controller do, run
/// asynchronously through the injected scheduler (like the real controllers, shortly after
/// the owner's deletion rather than inside it).
extension APIServer {
    func scheduleCollection(ownerUID: String, after: inout [AfterLock]) {
        let scheduler = options.scheduler
        let delay = options.garbageCollectionDelay
        after.append { [weak self] in
            guard let server = self else { return }
            scheduler.schedule(after: delay) { [weak server] in server?.collectDependents(ownerUID: ownerUID) }
        }
    }

    func scheduleForeground(_ owner: ObjectRef, uid: String, after: inout [AfterLock]) {
        let scheduler = options.scheduler
        let delay = options.garbageCollectionDelay
        after.append { [weak self] in
            guard let server = self else { return }
            scheduler.schedule(after: delay) { [weak server] in server?.foregroundStep(owner, uid: uid) }
        }
    }

    func scheduleNamespaceCleanup(_ ns: String, after: inout [AfterLock]) {
        let scheduler = options.scheduler
        let delay = options.garbageCollectionDelay
        after.append { [weak self] in
            guard let server = self else { return }
            scheduler.schedule(after: delay) { [weak server] in server?.cleanNamespace(ns) }
        }
    }

    /// Background GC: dependents whose owners are all gone are deleted; references to the gone
    /// owner are dropped from dependents that still have a live owner.
    func collectDependents(ownerUID: String) {
        let after = state.withLock { s -> [AfterLock] in
            guard s.byUID[ownerUID] == nil else { return [] }
            var after: [AfterLock] = []
            for dep in (s.dependents[ownerUID] ?? []).sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
                guard let obj = s.get(dep.groupResource, dep.namespace, dep.name)?.object else { continue }
                let liveOwners = ServerState.ownerUIDs(obj).filter { $0 != ownerUID && s.byUID[$0] != nil }
                if liveOwners.isEmpty {
                    deleteDependent(&s, dep, after: &after)
                } else {
                    removeOwnerReference(&s, dep, ownerUID: ownerUID)
                }
            }
            return after
        }
        runAfter(after)
    }

    private func deleteDependent(_ s: inout ServerState, _ dep: ObjectRef, after: inout [AfterLock]) {
        guard let info = s.registry.info(dep.groupResource), let obj = s.get(dep.groupResource, dep.namespace, dep.name)?.object,
              obj[path: ["metadata", "deletionTimestamp"]] == nil else { return }
        let (_, more) = deleteLocked(&s, info, dep.namespace, dep.name, DeleteOptions(), apiVersion: obj["apiVersion"]?.stringValue ?? "")
        after += more
    }

    /// Foreground deletion: delete the dependents; once none remain, drop the
    /// `foregroundDeletion` finalizer (removing the owner when no finalizer is left).
    func foregroundStep(_ owner: ObjectRef, uid: String) {
        let after = state.withLock { s -> [AfterLock] in
            guard let info = s.registry.info(owner.groupResource),
                  var obj = s.get(owner.groupResource, owner.namespace, owner.name)?.object,
                  obj[path: ["metadata", "uid"]]?.stringValue == uid else { return [] }
            var after: [AfterLock] = []
            for dep in (s.dependents[uid] ?? []).sorted(by: { ($0.namespace, $0.name) < ($1.namespace, $1.name) }) {
                deleteDependent(&s, dep, after: &after)
            }
            guard (s.dependents[uid] ?? []).isEmpty else { return after }
            let remaining = (obj[path: ["metadata", "finalizers"]]?.arrayValue ?? []).filter { $0 != .string(foregroundDeletionFinalizer) }
            obj[path: ["metadata", "finalizers"]] = remaining.isEmpty ? nil : .array(remaining)
            if remaining.isEmpty {
                s.commit(info, owner.namespace, owner.name, obj)
                let removed = s.commitRemoval(info, owner.namespace, owner.name) ?? obj
                afterRemoval(&s, info, ns: owner.namespace, name: owner.name, removed: removed, after: &after)
            } else {
                s.commit(info, owner.namespace, owner.name, obj)
            }
            return after
        }
        runAfter(after)
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

extension ResourceTable {
    /// Whether a namespace holds objects, without touching the order cache.
    func sortedNamesReadOnly(_ namespace: String) -> [String] { buckets[namespace].map { Array($0.objects.keys) } ?? [] }
}

import Foundation
import KubeModel

/// Tuning: the finalizers the real server and its controllers use for deletion policies.
let foregroundDeletionFinalizer = "foregroundDeletion"
let orphanFinalizer = "orphan"
/// Namespaces kube-apiserver's NamespaceLifecycle admission refuses to delete.
let protectedNamespaces: Set<String> = ["default", "kube-system", "kube-public"]

/// DELETE of one object and of collections: preconditions, finalizers, propagation policies.
extension APIServer {
    struct DeleteOptions {
        var policy = "Background"
        var uid: String?
        var resourceVersion: String?
        var dryRun = false
    }

    static func deleteOptions(_ request: StandinRequest) -> Result<DeleteOptions, APIStatus> {
        var o = DeleteOptions()
        var body: JSONValue = [:]
        if !request.body.isEmpty {
            guard let b = JSONWire.decode(request.body), b.objectValue != nil else {
                return .failure(StatusResponses.badRequest("the body of the request must be a DeleteOptions JSON object"))
            }
            body = b
        }
        if request.query["orphanDependents"] == "true" || body["orphanDependents"]?.boolValue == true { o.policy = "Orphan" }
        if let p = request.query["propagationPolicy"] ?? body["propagationPolicy"]?.stringValue { o.policy = p }
        guard ["Background", "Foreground", "Orphan"].contains(o.policy) else {
            return .failure(StatusResponses.badRequest("DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"\(o.policy)\": supported values: \"Foreground\", \"Background\", \"Orphan\""))
        }
        o.uid = body[path: ["preconditions", "uid"]]?.stringValue
        o.resourceVersion = body[path: ["preconditions", "resourceVersion"]]?.stringValue
        o.dryRun = request.query["dryRun"] == "All" || body["dryRun"]?.arrayValue?.contains("All") == true
        return .success(o)
    }

    func delete(_ request: StandinRequest, _ t: Target, _ name: String) -> StandinResponse {
        let opts: DeleteOptions
        switch Self.deleteOptions(request) {
        case .success(let o): opts = o
        case .failure(let s): return StatusResponses.response(s)
        }
        let (response, after) = state.withLock { s -> (StandinResponse, [AfterLock]) in
            deleteLocked(&s, t.info, t.storageNamespace, name, opts, apiVersion: t.apiVersion)
        }
        runAfter(after)
        return response
    }

    func deleteLocked(_ s: inout ServerState, _ info: ResourceInfo, _ ns: String, _ name: String, _ opts: DeleteOptions,
                      apiVersion: String) -> (StandinResponse, [AfterLock]) {
        guard let stored = s.get(info.groupResource, ns, name) else {
            return (StatusResponses.response(StatusResponses.notFound(info, name: name)), [])
        }
        var obj = stored.object
        let uid = obj[path: ["metadata", "uid"]]?.stringValue ?? ""
        if let want = opts.uid, want != uid {
            return (StatusResponses.response(StatusResponses.conflict(info, name: name,
                detail: "Precondition failed: UID in precondition: \(want), UID in object meta: \(uid)")), [])
        }
        let rv = obj[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        if let want = opts.resourceVersion, want != rv {
            return (StatusResponses.response(StatusResponses.conflict(info, name: name,
                detail: "Precondition failed: ResourceVersion in precondition: \(want), ResourceVersion in object meta: \(rv)")), [])
        }
        if opts.dryRun { return (json(200, ServerState.withVersion(obj, apiVersion)), []) }
        if obj[path: ["metadata", "deletionTimestamp"]] != nil {
            return (json(200, ServerState.withVersion(obj, apiVersion)), [])
        }
        var after: [AfterLock] = []
        if info.groupResource == "namespaces" {
            if protectedNamespaces.contains(name) {
                return (StatusResponses.response(StatusResponses.failure(403, StatusReason.forbidden,
                    "namespaces \"\(name)\" is forbidden: this namespace may not be deleted",
                    details: .init(name: name, kind: "namespaces"))), [])
            }
            markDeleting(&obj, info)
            obj[path: ["status", "phase"]] = "Terminating"
            let committed = s.commit(info, "", name, obj)
            scheduleNamespaceCleanup(name, after: &after)
            return (json(200, committed), after)
        }
        let finalizers = obj[path: ["metadata", "finalizers"]]?.arrayValue ?? []
        if opts.policy == "Foreground" || opts.policy == "Orphan" {
            // The garbage collector's finalizer for the policy (replacing the other one's), as
            // the registry's deletionFinalizersForGarbageCollection sets it; the collector then
            // deletes or orphans the dependents and removes it.
            let (wanted, other) = opts.policy == "Foreground"
                ? (foregroundDeletionFinalizer, orphanFinalizer) : (orphanFinalizer, foregroundDeletionFinalizer)
            markDeleting(&obj, info)
            var kept = finalizers.filter { $0 != .string(other) }
            if !kept.contains(.string(wanted)) { kept.append(.string(wanted)) }
            obj[path: ["metadata", "finalizers"]] = .array(kept)
            let committed = s.commit(info, ns, name, obj)
            let ref = ObjectRef(groupResource: info.groupResource, namespace: ns, name: name)
            if opts.policy == "Foreground" {
                scheduleForeground(ref, uid: uid, after: &after)
            } else {
                scheduleOrphaning(ref, uid: uid, after: &after)
            }
            return (json(200, ServerState.withVersion(committed, apiVersion)), after)
        }
        if !finalizers.isEmpty {
            markDeleting(&obj, info)
            let committed = s.commit(info, ns, name, obj)
            return (json(200, ServerState.withVersion(committed, apiVersion)), after)
        }
        let removed = s.commitRemoval(info, ns, name) ?? obj
        afterRemoval(&s, info, ns: ns, name: name, removed: removed, after: &after)
        if info.returnsDeletedObject { return (json(200, ServerState.withVersion(removed, apiVersion)), after) }
        let success: JSONValue = ["kind": "Status", "apiVersion": "v1", "metadata": [:], "status": "Success",
                                  "details": .object(["name": .string(name), "kind": .string(info.plural), "uid": .string(uid)]
                                      .merging(info.group.isEmpty ? [:] : ["group": .string(info.group)]) { a, _ in a })]
        return (json(200, success), after)
    }

    /// deletionTimestamp now, grace period 0, generation bumped (transcript 21).
    func markDeleting(_ obj: inout JSONValue, _ info: ResourceInfo) {
        obj[path: ["metadata", "deletionTimestamp"]] = .string(timestamp())
        obj[path: ["metadata", "deletionGracePeriodSeconds"]] = .int(0)
        if info.hasGeneration {
            obj[path: ["metadata", "generation"]] = .int((obj[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
        }
    }

    func removeOwnerReference(_ s: inout ServerState, _ dep: ObjectRef, ownerUID: String) {
        guard let info = s.registry.info(dep.groupResource), var obj = s.get(dep.groupResource, dep.namespace, dep.name)?.object else { return }
        let refs = (obj[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).filter { $0["uid"]?.stringValue != ownerUID }
        obj[path: ["metadata", "ownerReferences"]] = refs.isEmpty ? nil : .array(refs)
        s.commit(info, dep.namespace, dep.name, obj)
    }

    /// Side effects of removing an object: CRD unregistration, garbage collection of its
    /// dependents, progress of foreground owners and terminating namespaces.
    func afterRemoval(_ s: inout ServerState, _ info: ResourceInfo, ns: String, name: String, removed: JSONValue, after: inout [AfterLock]) {
        if info.groupResource == "customresourcedefinitions.apiextensions.k8s.io", let cr = CustomResourceDefinitions.resource(from: removed) {
            removeCustomResources(&s, cr.groupResource)
        }
        if let uid = removed[path: ["metadata", "uid"]]?.stringValue, s.dependents[uid]?.isEmpty == false {
            scheduleCollection(ownerUID: uid, after: &after)
        }
        for ownerUID in ServerState.ownerUIDs(removed) {
            guard let ownerRef = s.byUID[ownerUID], let owner = s.get(ownerRef.groupResource, ownerRef.namespace, ownerRef.name)?.object,
                  (owner[path: ["metadata", "finalizers"]]?.arrayValue ?? []).contains(.string(foregroundDeletionFinalizer)) else { continue }
            scheduleForeground(ownerRef, uid: ownerUID, after: &after)
        }
        if !ns.isEmpty, let nsObj = s.get("namespaces", "", ns)?.object, nsObj[path: ["metadata", "deletionTimestamp"]] != nil {
            scheduleNamespaceCleanup(ns, after: &after)
        }
    }

    /// Deleting a CRD deletes its objects and unregisters its resource; its watches end.
    func removeCustomResources(_ s: inout ServerState, _ gr: String) {
        guard let info = s.registry.info(gr) else { return }
        let table = s.tables[gr] ?? ResourceTable()
        for ns in table.namespaces {
            var t = table
            for name in t.sortedNames(ns) { s.commitRemoval(info, ns, name) }
        }
        s.tables[gr] = nil
        s.registry.remove(gr)
        for (_, w) in s.watchers.removeValue(forKey: gr) ?? [:] { w.connection.finish(.finished) }
    }

    func deleteCollection(_ request: StandinRequest, _ t: Target) -> StandinResponse {
        guard t.info.supports("deletecollection") else { return StatusResponses.response(StatusResponses.methodNotAllowed("DELETE", t.info)) }
        let (labels, fields): (LabelSelector, FieldSelector)
        switch selectors(request) {
        case .success(let s): (labels, fields) = s
        case .failure(let status): return StatusResponses.response(status)
        }
        let opts: DeleteOptions
        switch Self.deleteOptions(request) {
        case .success(let o): opts = o
        case .failure(let s): return StatusResponses.response(s)
        }
        let (value, after) = state.withLock { s -> (JSONValue, [AfterLock]) in
            var table = s.tables[t.info.groupResource] ?? ResourceTable()
            var items: [JSONValue] = []
            var after: [AfterLock] = []
            for ns in t.info.namespaced ? (t.namespace.map { [$0] } ?? table.namespaces) : [""] {
                for name in table.sortedNames(ns) {
                    guard let obj = table.get(ns, name)?.object, labels.matches(object: obj), fields.matches(object: obj) else { continue }
                    let (_, more) = deleteLocked(&s, t.info, ns, name, opts, apiVersion: t.apiVersion)
                    after += more
                    var item = obj
                    if !t.info.isCustom { item["kind"] = nil; item["apiVersion"] = nil }
                    items.append(item)
                }
            }
            return (["kind": .string(t.info.listKind), "apiVersion": .string(t.apiVersion),
                     "metadata": ["resourceVersion": .string(String(s.rv))], "items": .array(items)], after)
        }
        runAfter(after)
        return json(200, value)
    }
}

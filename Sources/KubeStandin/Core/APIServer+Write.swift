import Foundation
import KubeModel

/// Work to run after the store lock is released (scheduling the GC, the readiness simulator).
typealias AfterLock = @Sendable () -> Void

/// Tuning: characters the real server's name generator draws from, and how many it appends.
let generateNameAlphabet = Array("bcdfghjklmnpqrstvwxz2456789")
let generateNameSuffixLength = 5

/// create, update (PUT), patch (merge / JSON / strategic / server-side apply).
extension APIServer {
    enum BodyError: Error { case status(APIStatus) }

    static let jsonMediaTypes = ["application/json", "application/yaml", "application/vnd.kubernetes.protobuf"]
    static let patchMediaTypes = ["application/json-patch+json", "application/merge-patch+json", "application/apply-patch+yaml"]

    /// The media type without parameters, trimmed and lowercased (Go's `mime.ParseMediaType`).
    static func contentType(_ request: StandinRequest) -> String {
        let raw = request.headers["content-type"] ?? ""
        let media = raw.utf8.firstIndex(of: UInt8(ascii: ";")).map { raw[..<$0] } ?? raw[...]
        return media.trimmingWhitespace.lowercased()
    }

    /// The request body as a JSON object, or the 400 the real server answers.
    static func objectBody(_ request: StandinRequest) -> Result<JSONValue, APIStatus> {
        guard let v = JSONWire.decode(request.body) else {
            return .failure(StatusResponses.badRequest("the body of the request could not be decoded as JSON: invalid character in input"))
        }
        guard v.objectValue != nil else {
            return .failure(StatusResponses.badRequest("the body of the request must be a JSON object"))
        }
        return .success(v)
    }

    func runAfter(_ actions: [AfterLock]) { for a in actions { a() } }

    // MARK: - Create

    func create(_ request: StandinRequest, _ t: Target) -> StandinResponse {
        let ct = Self.contentType(request)
        guard ct.isEmpty || ct == "application/json" || ct == "*/*" else {
            return StatusResponses.response(StatusResponses.unsupportedMediaType(ct, accepted: Self.jsonMediaTypes))
        }
        let body: JSONValue
        switch Self.objectBody(request) {
        case .success(let b): body = b
        case .failure(let s): return StatusResponses.response(s)
        }
        if let av = body["apiVersion"]?.stringValue, av != t.apiVersion {
            return StatusResponses.response(StatusResponses.badRequest("the API version in the data (\(av)) does not match the expected API version (\(t.apiVersion))"))
        }
        if let mismatch = Self.identityMismatch(body, t, name: nil) { return StatusResponses.response(mismatch) }
        let manager = Self.manager(request)
        let dryRun = request.query["dryRun"] == "All"
        let (response, after) = state.withLock { s in
            createLocked(&s, t, body, manager: manager, dryRun: dryRun, fromApply: false)
        }
        runAfter(after)
        return response
    }

    func createLocked(_ s: inout ServerState, _ t: Target, _ candidate: JSONValue, manager: String, dryRun: Bool, fromApply: Bool) -> (StandinResponse, [AfterLock]) {
        let info = t.info
        let ns = t.storageNamespace
        var obj = candidate
        var name = obj[path: ["metadata", "name"]]?.stringValue ?? ""
        if name.isEmpty, let prefix = obj[path: ["metadata", "generateName"]]?.stringValue, !prefix.isEmpty {
            name = prefix + String((0..<generateNameSuffixLength).map { _ in generateNameAlphabet.randomElement()! })
        }
        if info.namespaced {
            guard let nsObj = s.get("namespaces", "", ns) else {
                return (StatusResponses.response(StatusResponses.namespaceNotFound(ns)), [])
            }
            if nsObj.object[path: ["metadata", "deletionTimestamp"]] != nil {
                return (StatusResponses.response(StatusResponses.forbiddenTerminating(info, name: name, namespace: ns)), [])
            }
        }
        if name.isEmpty {
            let e = FieldError(.required, field: "metadata.name", detail: "name or generateName is required")
            return (StatusResponses.response(StatusResponses.invalid(info, name: "", errors: [e])), [])
        }
        if s.get(info.groupResource, ns, name) != nil {
            return (StatusResponses.response(StatusResponses.alreadyExists(info, name: name)), [])
        }
        let time = timestamp()
        var meta = obj["metadata"]?.objectValue ?? [:]
        meta["name"] = .string(name)
        if info.namespaced { meta["namespace"] = .string(ns) } else { meta["namespace"] = nil }
        meta["uid"] = .string(RandomUID.make())
        meta["creationTimestamp"] = .string(time)
        for k in ["resourceVersion", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] { meta[k] = nil }
        meta["generation"] = info.hasGeneration ? .int(1) : nil
        obj["metadata"] = .object(meta)
        obj["kind"] = .string(info.kind)
        obj["apiVersion"] = .string(t.apiVersion)
        if info.hasStatus {
            // PrepareForCreate: clients do not set an initial status.
            obj["status"] = info.isCustom ? nil : .object([:])
        }
        if info.groupResource == "namespaces" {
            if obj[path: ["spec", "finalizers"]] == nil { obj[path: ["spec", "finalizers"]] = ["kubernetes"] }
            obj["status"] = ["phase": "Active"]
            var labels = obj[path: ["metadata", "labels"]]?.objectValue ?? [:]
            labels["kubernetes.io/metadata.name"] = .string(name)
            obj[path: ["metadata", "labels"]] = .object(labels)
        }
        applyDefaults(&obj, t)
        var errors = validate(obj, t, operation: .create, old: nil)
        if info.groupResource == "customresourcedefinitions.apiextensions.k8s.io" {
            errors += crdConflicts(obj, s)
        }
        if !errors.isEmpty {
            return (StatusResponses.response(StatusResponses.invalid(info, name: name, errors: errors)), [])
        }
        if !fromApply {
            obj = ManagedFields.recordUpdate(old: nil, new: obj, manager: manager, apiVersion: t.apiVersion, subresource: nil,
                                             time: time, schema: schema(t))
        }
        if info.groupResource == "customresourcedefinitions.apiextensions.k8s.io" {
            obj = CustomResourceDefinitions.established(obj, now: time)
        }
        if dryRun { return (json(201, obj), []) }
        let stored = s.commitEncoded(info, ns, name, obj)
        var after: [AfterLock] = []
        afterCommit(&s, t, old: nil, new: stored.object, after: &after)
        return (json(201, stored, apiVersion: t.apiVersion), after)
    }

    /// The 400 a real server gives when a body names another object than the URL: a different
    /// `metadata.name` (when the URL names one) or a different, non-empty `metadata.namespace`.
    static func identityMismatch(_ body: JSONValue, _ t: Target, name: String?) -> APIStatus? {
        if let name, let bodyName = body[path: ["metadata", "name"]]?.stringValue, bodyName != name {
            return StatusResponses.badRequest("the name of the object (\(bodyName)) does not match the name on the URL (\(name))")
        }
        if let bodyNS = body[path: ["metadata", "namespace"]]?.stringValue, !bodyNS.isEmpty, t.info.namespaced, bodyNS != t.namespace {
            return StatusResponses.badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        return nil
    }

    // MARK: - Update

    func update(_ request: StandinRequest, _ t: Target, _ name: String) -> StandinResponse {
        let ct = Self.contentType(request)
        guard ct.isEmpty || ct == "application/json" || ct == "*/*" else {
            return StatusResponses.response(StatusResponses.unsupportedMediaType(ct, accepted: Self.jsonMediaTypes))
        }
        let body: JSONValue
        switch Self.objectBody(request) {
        case .success(let b): body = b
        case .failure(let s): return StatusResponses.response(s)
        }
        if let mismatch = Self.identityMismatch(body, t, name: name) { return StatusResponses.response(mismatch) }
        let manager = Self.manager(request)
        let dryRun = request.query["dryRun"] == "All"
        let (response, after) = state.withLock { s -> (StandinResponse, [AfterLock]) in
            guard let old = s.get(t.info.groupResource, t.storageNamespace, name)?.object else {
                return (StatusResponses.response(StatusResponses.notFound(t.info, name: name)), [])
            }
            var candidate = body
            if t.subresource == "scale" {
                guard let replicas = body[path: ["spec", "replicas"]] else {
                    return (StatusResponses.response(StatusResponses.badRequest("spec.replicas is required")), [])
                }
                candidate = old
                candidate[path: ["spec", "replicas"]] = replicas
                if let rv = body[path: ["metadata", "resourceVersion"]] { candidate[path: ["metadata", "resourceVersion"]] = rv }
            }
            return updateLocked(&s, t, name, old: old, candidate: candidate, manager: manager, dryRun: dryRun, fromApply: false)
        }
        runAfter(after)
        return scaleView(response, t)
    }

    /// Writes to `/scale` answer with the Scale, not the workload.
    func scaleView(_ response: StandinResponse, _ t: Target) -> StandinResponse {
        guard t.subresource == "scale", case .full(200, _, let body) = response, let obj = JSONWire.decode(body) else { return response }
        return json(200, Scale.from(obj, t.info))
    }

    /// The common tail of PUT, patch and apply on an existing object.
    func updateLocked(_ s: inout ServerState, _ t: Target, _ name: String, old: JSONValue, candidate: JSONValue,
                      manager: String, dryRun: Bool, fromApply: Bool) -> (StandinResponse, [AfterLock]) {
        let info = t.info
        let ns = t.storageNamespace
        let oldRV = old[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
        if let rv = candidate[path: ["metadata", "resourceVersion"]]?.stringValue, !rv.isEmpty, rv != oldRV {
            return (StatusResponses.response(StatusResponses.conflict(info, name: name)), [])
        }
        if let uid = candidate[path: ["metadata", "uid"]]?.stringValue, !uid.isEmpty,
           let oldUID = old[path: ["metadata", "uid"]]?.stringValue, uid != oldUID {
            return (StatusResponses.response(StatusResponses.conflict(info, name: name,
                detail: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(oldUID)")), [])
        }
        var obj: JSONValue
        if t.subresource == "status" {
            // Status writes change only .status (metadata.managedFields is recorded below).
            obj = old
            obj["status"] = candidate["status"]
        } else {
            obj = candidate
            if info.hasStatus { obj["status"] = old["status"] }
            var meta = obj["metadata"]?.objectValue ?? [:]
            let oldMeta = old["metadata"]?.objectValue ?? [:]
            for k in ["uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds", "name", "namespace"] {
                meta[k] = oldMeta[k]
            }
            if meta["managedFields"] == nil { meta["managedFields"] = oldMeta["managedFields"] }
            obj["metadata"] = .object(meta)
            if info.groupResource == "namespaces" { obj["status"] = old["status"] }
        }
        obj[path: ["metadata", "resourceVersion"]] = .string(oldRV)
        obj["kind"] = .string(info.kind)
        obj["apiVersion"] = .string(t.apiVersion)
        if t.subresource != "status" { applyDefaults(&obj, t) } else if let sc = schema(t) { sc.pruneStatus(&obj) }
        if info.hasGeneration, Self.specPart(obj, info) != Self.specPart(old, info) {
            obj[path: ["metadata", "generation"]] = .int((old[path: ["metadata", "generation"]]?.intValue ?? 0) + 1)
        }
        let errors = validate(obj, t, operation: .update, old: old)
        if !errors.isEmpty {
            return (StatusResponses.response(StatusResponses.invalid(info, name: name, errors: errors)), [])
        }
        let time = timestamp()
        if !fromApply {
            obj = ManagedFields.recordUpdate(old: ServerState.withVersion(old, t.apiVersion), new: obj, manager: manager,
                                             apiVersion: t.apiVersion, subresource: t.subresource, time: time, schema: schema(t))
        }
        if info.groupResource == "customresourcedefinitions.apiextensions.k8s.io", t.subresource != "status" {
            obj = CustomResourceDefinitions.established(obj, now: time)
        }
        if Self.sameIgnoringTimes(obj, ServerState.withVersion(old, t.apiVersion)) {
            return (json(200, ServerState.withVersion(old, t.apiVersion)), [])
        }
        if dryRun { return (json(200, obj), []) }
        var after: [AfterLock] = []
        if Self.emptiesFinalizersOfDeleting(old: old, new: obj) {
            // As the real store does (`ShouldDeleteDuringUpdate`): the update is not written, the
            // object as stored (finalizers and all) is deleted, so watchers see only DELETED; the
            // writer gets back the object it sent, at the version it updated.
            let removed = s.commitRemoval(info, ns, name) ?? old
            afterRemoval(&s, info, ns: ns, name: name, removed: removed, after: &after)
            return (json(200, obj), after)
        }
        let stored = s.commitEncoded(info, ns, name, obj)
        afterCommit(&s, t, old: old, new: stored.object, after: &after)
        return (json(200, stored, apiVersion: t.apiVersion), after)
    }

    /// Whether an update removes the object instead of storing it: it leaves no finalizer on an
    /// object that is being deleted without a pending grace period.
    static func emptiesFinalizersOfDeleting(old: JSONValue, new: JSONValue) -> Bool {
        guard old[path: ["metadata", "deletionTimestamp"]] != nil,
              (new[path: ["metadata", "finalizers"]]?.arrayValue ?? []).isEmpty else { return false }
        let grace = old[path: ["metadata", "deletionGracePeriodSeconds"]]?.intValue
        return grace == nil || grace == 0
    }

    /// Everything but metadata (and status, when it is a subresource): what `generation` tracks.
    static func specPart(_ o: JSONValue, _ info: ResourceInfo) -> JSONValue {
        var x = o.objectValue ?? [:]
        for k in ["metadata", "kind", "apiVersion"] { x[k] = nil }
        if info.hasStatus { x["status"] = nil }
        return .object(x)
    }

    /// Equal apart from resourceVersion and managedFields timestamps: such a write is a no-op.
    static func sameIgnoringTimes(_ a: JSONValue, _ b: JSONValue) -> Bool {
        func norm(_ o: JSONValue) -> JSONValue {
            var x = o
            x[path: ["metadata", "resourceVersion"]] = nil
            if let mf = x[path: ["metadata", "managedFields"]]?.arrayValue {
                x[path: ["metadata", "managedFields"]] = .array(mf.map { e in var e = e; e["time"] = nil; return e })
            }
            return x
        }
        return norm(a) == norm(b)
    }

    // MARK: - Patch

    func patch(_ request: StandinRequest, _ t: Target, _ name: String) -> StandinResponse {
        let ct = Self.contentType(request)
        let manager = Self.manager(request)
        let dryRun = request.query["dryRun"] == "All"
        switch ct {
        case "application/apply-patch+yaml":
            return apply(request, t, name, dryRun: dryRun)
        case "application/merge-patch+json", "application/json-patch+json":
            break
        case "application/strategic-merge-patch+json" where !t.info.isCustom:
            break
        default:
            return StatusResponses.response(StatusResponses.unsupportedMediaType(ct, accepted: Self.patchMediaTypes))
        }
        guard let patchDoc = JSONWire.decode(request.body) else {
            return StatusResponses.response(StatusResponses.badRequest("error decoding patch: invalid JSON"))
        }
        if ct == "application/json-patch+json", patchDoc.arrayValue == nil {
            return StatusResponses.response(StatusResponses.badRequest("json: cannot unmarshal object into Go value of type jsonpatch.Patch"))
        }
        if ct != "application/json-patch+json", patchDoc.objectValue == nil {
            return StatusResponses.response(StatusResponses.badRequest("the patch must be a JSON object"))
        }
        let (response, after) = state.withLock { s -> (StandinResponse, [AfterLock]) in
            guard let old = s.get(t.info.groupResource, t.storageNamespace, name)?.object else {
                return (StatusResponses.response(StatusResponses.notFound(t.info, name: name)), [])
            }
            let base = t.subresource == "scale" ? Scale.from(old, t.info) : ServerState.withVersion(old, t.apiVersion)
            var patched: JSONValue
            if ct == "application/json-patch+json" {
                do throws(PatchError) {
                    patched = try JSONPatch.apply(patchDoc, to: base)
                } catch {
                    return (StatusResponses.response(StatusResponses.failure(422, StatusReason.invalid, error.message)), [])
                }
            } else {
                patched = base.applyingMergePatch(patchDoc)
            }
            guard patched.objectValue != nil else {
                return (StatusResponses.response(StatusResponses.badRequest("the patched object is not a JSON object")), [])
            }
            if t.subresource == "scale" {
                var candidate = old
                candidate[path: ["spec", "replicas"]] = patched[path: ["spec", "replicas"]]
                if let rv = patched[path: ["metadata", "resourceVersion"]] { candidate[path: ["metadata", "resourceVersion"]] = rv }
                patched = candidate
            }
            return updateLocked(&s, t, name, old: old, candidate: patched, manager: manager, dryRun: dryRun, fromApply: false)
        }
        runAfter(after)
        return scaleView(response, t)
    }

    func apply(_ request: StandinRequest, _ t: Target, _ name: String, dryRun: Bool) -> StandinResponse {
        guard let manager = request.query["fieldManager"], !manager.isEmpty else {
            return StatusResponses.response(StatusResponses.badRequest("PATCH requests with apply content type must specify a field manager (fieldManager query parameter)"))
        }
        let force = request.query["force"] == "true"
        var config: JSONValue
        switch Self.objectBody(request) {
        case .success(let b): config = b
        case .failure(let s): return StatusResponses.response(s)
        }
        if let mismatch = Self.identityMismatch(config, t, name: name) { return StatusResponses.response(mismatch) }
        config[path: ["metadata", "name"]] = .string(name)
        let (response, after) = state.withLock { s -> (StandinResponse, [AfterLock]) in
            let old = s.get(t.info.groupResource, t.storageNamespace, name)?.object
            if old == nil, t.subresource != nil {
                return (StatusResponses.response(StatusResponses.notFound(t.info, name: name)), [])
            }
            let live = old.map { ServerState.withVersion($0, t.apiVersion) }
            let merged: JSONValue
            do throws(ApplyConflict) {
                merged = try ManagedFields.apply(config: config, to: live, manager: manager, apiVersion: t.apiVersion, force: force,
                                                 subresource: t.subresource, time: timestamp(), schema: schema(t))
            } catch {
                return (StatusResponses.response(StatusResponses.applyConflict(error)), [])
            }
            if let old {
                return updateLocked(&s, t, name, old: old, candidate: merged, manager: manager, dryRun: dryRun, fromApply: true)
            }
            return createLocked(&s, t, merged, manager: manager, dryRun: dryRun, fromApply: true)
        }
        runAfter(after)
        return response
    }

    // MARK: - Rules

    func schema(_ t: Target) -> StructuralSchema? { t.info.isCustom ? t.info.schemas[t.version] : nil }

    func applyDefaults(_ obj: inout JSONValue, _ t: Target) {
        Conversion.apply(to: &obj, t.info)
        if let sc = schema(t) {
            sc.prune(&obj)
            sc.applyDefaults(to: &obj)
        } else if !t.info.isCustom {
            Defaulting.apply(to: &obj, resource: t.info.descriptor(t.version))
        }
    }

    func validate(_ obj: JSONValue, _ t: Target, operation: WriteOperation, old: JSONValue?) -> [FieldError] {
        if t.info.isCustom {
            var errors = CustomResourceMetadata.validate(obj, namespaced: t.info.namespaced)
            if let sc = schema(t) { errors += t.subresource == "status" ? sc.validateStatus(obj) : sc.validate(obj) }
            return errors
        }
        return BuiltinValidation.validate(obj, resource: t.info.descriptor(t.version), operation: operation, old: old)
    }

    /// A CRD may not claim a group-resource another CRD (or a built-in) serves.
    func crdConflicts(_ crd: JSONValue, _ s: ServerState) -> [FieldError] {
        guard let info = CustomResourceDefinitions.resource(from: crd) else { return [] }
        if let existing = s.registry.info(info.groupResource), existing.crdName != info.crdName {
            return [FieldError(.invalid, field: "spec.names.plural", value: .string(info.plural),
                               detail: "resource \(info.groupResource) is already served")]
        }
        return []
    }

    /// Side effects of a commit: CRD registration, the readiness simulator, collection of a
    /// dependent whose new owner is absent or being deleted.
    func afterCommit(_ s: inout ServerState, _ t: Target, old: JSONValue?, new: JSONValue, after: inout [AfterLock]) {
        let gr = t.info.groupResource
        if new[path: ["metadata", "ownerReferences"]] != nil, let name = new[path: ["metadata", "name"]]?.stringValue {
            collectIfOwnerless(&s, ObjectRef(groupResource: gr, namespace: t.storageNamespace, name: name), old: old, new: new, after: &after)
        }
        if gr == "customresourcedefinitions.apiextensions.k8s.io", let info = CustomResourceDefinitions.resource(from: new) {
            s.registry.add(info)
        }
        if gr == "deployments.apps" {
            let gen = new[path: ["metadata", "generation"]]?.intValue ?? 1
            let oldGen = old?[path: ["metadata", "generation"]]?.intValue
            if oldGen != gen, new[path: ["metadata", "deletionTimestamp"]] == nil {
                scheduleReadiness(&s, namespace: t.storageNamespace, name: new[path: ["metadata", "name"]]?.stringValue ?? "",
                                  generation: gen, after: &after)
            }
        }
    }
}

/// Metadata checks every custom resource gets from the generic registry.
enum CustomResourceMetadata {
    static func validate(_ obj: JSONValue, namespaced: Bool) -> [FieldError] {
        let name = obj[path: ["metadata", "name"]]?.stringValue ?? ""
        if !isDNS1123Subdomain(name) {
            return [FieldError(.invalid, field: "metadata.name", value: .string(name),
                               detail: "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")]
        }
        return []
    }

    static func isDNS1123Subdomain(_ s: String) -> Bool {
        guard !s.isEmpty, s.count <= 253 else { return false }
        for label in s.split(separator: ".", omittingEmptySubsequences: false) {
            guard let f = label.first, let l = label.last, f.isASCII, l.isASCII,
                  f.isLowercase || f.isNumber, l.isLowercase || l.isNumber,
                  label.allSatisfy({ $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-") }) else { return false }
        }
        return true
    }
}

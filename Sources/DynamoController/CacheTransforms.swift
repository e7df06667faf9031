import KubeModel
import KubeRuntime
import DynamoAPI

/// What the operator's caches keep of each child, beyond what the reconciler and the event
/// mapping read: nothing. At 1000 graphs the caches hold 8000 children, so what is dropped here
/// is dropped 4000 times.
///
/// Guarantees: the metadata the reconciler compares (labels, the spec-hash annotation, owner
/// references), the spec fields the operator's apply owns, rollout counts, `observedGeneration`
/// and the `Progressing` condition's type, status and reason (the deadline check) are kept
/// unchanged.
///
/// The pod template, the Deployment strategy and the Service spec keep only the fields the
/// operator's last apply owns (`metadata.managedFields`): server defaults (DNS policy, scheduler,
/// termination settings, cluster IPs, protocols, ...) and fields other managers set are dropped.
/// The reconciler's owned-field comparison stays exact: a field it declares is owned after its
/// apply, so it is kept with its live value; a field another manager took over by changing it is
/// dropped, which reads as drift and is applied again, as a changed value would be. An object
/// without any managed fields (a server that does not record them) is kept whole.
enum CacheTransforms {
    /// Deployments: status conditions reduced to `Progressing` without message and timestamps;
    /// no creation timestamp or revision annotation; template and strategy projected onto the
    /// operator's fields.
    static let deployment: Store<Deployment>.Transform = { d in
        d.metadata.creationTimestamp = nil
        d.metadata.annotations?[revisionAnnotation] = nil
        if d.metadata.annotations?.isEmpty == true { d.metadata.annotations = nil }
        if let owned = ownedSpec(d.metadata), var spec = d.spec {
            spec.template = spec.template.flatMap { project($0, owned.fields?["f:template"]) }
            spec.strategy = spec.strategy.flatMap { project($0, owned.fields?["f:strategy"]) }
            d.spec = spec
        }
        let progressing = d.status?.conditions?
            .filter { $0.type == "Progressing" }
            .map { DeploymentStatus.Condition(type: $0.type, status: $0.status, reason: $0.reason) }
        d.status?.conditions = progressing
    }

    /// DynamoDeployments: no `kubectl.kubernetes.io/last-applied-configuration` annotation, a
    /// copy of the whole object `kubectl apply` (client-side) keeps on it that nothing here reads.
    static let dynamoDeployment: Store<DynamoDeployment>.Transform = { dd in
        dd.metadata.annotations?[lastAppliedAnnotation] = nil
        if dd.metadata.annotations?.isEmpty == true { dd.metadata.annotations = nil }
    }
    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    /// Services: no status (load-balancer ingress), no creation timestamp; spec projected onto the
    /// operator's fields.
    static let service: Store<Service>.Transform = { s in
        s.metadata.creationTimestamp = nil
        s.status = nil
        if let owned = ownedSpec(s.metadata) {
            s.spec = s.spec.flatMap { project($0, owned.fields) }
        }
    }

    /// Written by the Deployment controller; nothing here reads it.
    static let revisionAnnotation = "deployment.kubernetes.io/revision"

    /// What the operator's apply entry owns of an object's spec.
    struct OwnedSpec {
        /// The `f:spec` field set; nil when the operator owns none of the spec.
        var fields: JSONValue?
    }

    /// nil when the object records no managed fields at all, so ownership is unknown.
    static func ownedSpec(_ meta: ObjectMeta) -> OwnedSpec? {
        guard let managed = meta.managedFields, !managed.isEmpty else { return nil }
        return OwnedSpec(fields: FieldsV1.owned(by: ClientClusterWriter.fieldManager, in: managed)?["f:spec"])
    }

    /// `value` restricted to `fields`; nil when the operator owns none of it.
    static func project(_ value: CompactJSON, _ fields: JSONValue?) -> CompactJSON? {
        guard let fields, let kept = FieldsV1.project(value.value, onto: fields) else { return nil }
        return CompactJSON(kept)
    }
}

import KubeModel
import KubeRuntime

/// What the operator's caches keep of each child, beyond what the reconciler and the event
/// mapping read: nothing. At 1000 graphs the caches hold 8000 children, so what is dropped here
/// is dropped 4000 times.
///
/// Guarantees: every field the reconciler compares (owned metadata and spec), rollout counts,
/// `observedGeneration` and the `Progressing` condition's type, status and reason (the deadline
/// check) are kept unchanged.
enum CacheTransforms {
    /// Deployments: status conditions reduced to `Progressing` without message and timestamps;
    /// no creation timestamp.
    static let deployment: Store<Deployment>.Transform = { d in
        d.metadata.creationTimestamp = nil
        let progressing = d.status?.conditions?
            .filter { $0.type == "Progressing" }
            .map { DeploymentStatus.Condition(type: $0.type, status: $0.status, reason: $0.reason) }
        d.status?.conditions = progressing
    }

    /// Services: no status (load-balancer ingress), no creation timestamp.
    static let service: Store<Service>.Transform = { s in
        s.metadata.creationTimestamp = nil
        s.status = nil
    }
}

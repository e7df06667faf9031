import KubeModel
import KubeRuntime
import DynamoAPI

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

    /// DynamoDeployments: no `kubectl.kubernetes.io/last-applied-configuration` annotation, a
    /// copy of the whole object `kubectl apply` (client-side) keeps on it that nothing here reads.
    static let dynamoDeployment: Store<DynamoDeployment>.Transform = { dd in
        dd.metadata.annotations?[lastAppliedAnnotation] = nil
        if dd.metadata.annotations?.isEmpty == true { dd.metadata.annotations = nil }
    }
    static let lastAppliedAnnotation = "kubectl.kubernetes.io/last-applied-configuration"

    /// Services: no status (load-balancer ingress), no creation timestamp.
    static let service: Store<Service>.Transform = { s in
        s.metadata.creationTimestamp = nil
        s.status = nil
    }
}

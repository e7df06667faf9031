import KubeModel

/// Whether a component's Deployment has finished rolling out its current spec.
///
/// Guarantee: `isReady` is true only when the Deployment controller has observed the current
/// generation and every pod it counts is an updated one: `updatedReplicas`, `availableReplicas`
/// and `replicas` all equal the desired count. Old pods that still satisfy the count mid-rollout
/// never make a component Ready (the same test `kubectl rollout status` applies). Zero desired
/// replicas is ready once observed.
public struct RolloutState: Equatable, Sendable {
    public var desired: Int
    public var replicas: Int
    public var updated: Int
    public var ready: Int
    public var available: Int
    public var observedCurrentGeneration: Bool

    public init(deployment: Deployment, desiredReplicas: Int?) {
        let status = deployment.status ?? DeploymentStatus()
        desired = desiredReplicas ?? deployment.spec?.replicas ?? 1
        replicas = status.replicas ?? 0
        updated = status.updatedReplicas ?? 0
        ready = status.readyReplicas ?? 0
        available = status.availableReplicas ?? 0
        let generation = deployment.metadata.generation ?? 0
        observedCurrentGeneration = (status.observedGeneration ?? -1) >= generation
    }

    public var isReady: Bool {
        observedCurrentGeneration && updated == desired && available == desired && replicas == desired
    }
}

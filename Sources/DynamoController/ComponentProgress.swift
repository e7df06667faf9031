import KubeModel
import DynamoAPI

/// The pure part of a reconcile: from the spec, the live children and the graph, which
/// components may be applied now and what each one's status is.
///
/// Guarantees:
/// - a component none of whose Deployment exists yet is released for creation only when every
///   dependency's Deployment is Ready (`RolloutState.isReady`); until then it is `Waiting`;
/// - a component whose Deployment exists is always released (never held back or scaled down
///   because a dependency turned unready later); the graph then reports `Degraded`.
public struct ComponentProgress: Sendable {
    public var statuses: [ComponentStatus]
    /// Components whose children may be applied in this reconcile.
    public var released: Set<String>
    /// Components that exist but have an unready dependency.
    public var degraded: Set<String>

    public init(dd: DynamoDeployment, graph: ComponentGraph, liveDeployments: [String: Deployment]) {
        let deployed = Set(graph.deployed)
        let specs = Dictionary(dd.spec.components.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })

        func rollout(_ name: String) -> RolloutState? {
            guard let live = liveDeployments[name] else { return nil }
            // Under an HPA the live replica count is the target; otherwise the spec's.
            let desired = specs[name]?.autoscaling == nil ? (specs[name]?.replicas ?? Defaults.replicas) : nil
            return RolloutState(deployment: live, desiredReplicas: desired)
        }
        func isReady(_ name: String) -> Bool { rollout(name)?.isReady ?? false }

        var statuses: [ComponentStatus] = []
        var released: Set<String> = []
        var degraded: Set<String> = []
        for name in graph.names {
            guard deployed.contains(name) else {
                statuses.append(ComponentStatus(name: name, phase: .unused))
                continue
            }
            let unmet = graph.unmetDependencies(of: name, isReady: isReady)
            guard let state = rollout(name) else {
                if unmet.isEmpty {
                    released.insert(name)
                    statuses.append(ComponentStatus(name: name, phase: .progressing, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0))
                } else {
                    statuses.append(ComponentStatus(name: name, phase: .waiting, waitingFor: unmet))
                }
                continue
            }
            released.insert(name)
            if !unmet.isEmpty { degraded.insert(name) }
            let phase: ComponentPhase
            if Self.deadlineExceeded(liveDeployments[name]!) {
                phase = .failed
            } else {
                phase = state.isReady ? .ready : .progressing
            }
            statuses.append(ComponentStatus(
                name: name, phase: phase, waitingFor: unmet.isEmpty ? nil : unmet,
                replicas: state.replicas, updatedReplicas: state.updated, readyReplicas: state.ready, availableReplicas: state.available))
        }
        self.statuses = statuses
        self.released = released
        self.degraded = degraded
    }

    /// The Deployment controller gave up on the current rollout (`progressDeadlineSeconds` passed).
    static func deadlineExceeded(_ d: Deployment) -> Bool {
        d.status?.conditions?.contains { $0.type == "Progressing" && $0.status == "False" && $0.reason == "ProgressDeadlineExceeded" } ?? false
    }

    public var deployedCount: Int { statuses.filter { $0.phase != .unused }.count }
    public var readyCount: Int { statuses.filter { $0.phase == .ready }.count }
}

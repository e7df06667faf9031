import Foundation
import KubeModel
import DynamoAPI

/// Builds the status a DynamoDeployment should show, from its previous status.
///
/// Guarantees: `Ready=True` only when every deployed component is Ready at the current
/// generation; `lastTransitionTime` of a condition moves only when its status flips; the result
/// equals the previous status whenever nothing observable changed (so no write happens).
public enum StatusBuilder {
    public static let reasonInvalidSpec = "InvalidSpec"

    public static func valid(dd: DynamoDeployment, progress: ComponentProgress, now: Date) -> DynamoDeploymentStatus {
        let previous = dd.status ?? DynamoDeploymentStatus()
        var conditions = previous.conditions ?? []
        let generation = dd.metadata.generation
        let total = progress.deployedCount
        let ready = progress.readyCount
        let allReady = ready == total
        let failed = progress.statuses.filter { $0.phase == .failed }.map(\.name)
        let waiting = progress.statuses.filter { $0.phase == .waiting }.map(\.name)
        let notReady = progress.statuses.filter { $0.phase != .ready && $0.phase != .unused }.map(\.name)

        let phase: DeploymentPhase
        if allReady {
            phase = .ready
        } else if !failed.isEmpty {
            phase = .failed
        } else if !progress.degraded.isEmpty || (Conditions.isTrue(previous.conditions, ConditionType.ready) && previous.observedGeneration == generation) {
            phase = .degraded
        } else if waiting.count == total {
            phase = .pending
        } else {
            phase = .progressing
        }

        Conditions.set(&conditions, type: ConditionType.valid, status: true, reason: "ValidSpec", message: "the spec is valid", observedGeneration: generation, now: now)
        if allReady {
            Conditions.set(&conditions, type: ConditionType.ready, status: true, reason: "AllComponentsReady", message: "\(ready)/\(total) components ready", observedGeneration: generation, now: now)
            Conditions.set(&conditions, type: ConditionType.progressing, status: false, reason: "RolloutComplete", message: "every component runs the current spec", observedGeneration: generation, now: now)
        } else {
            let reason = !failed.isEmpty ? "ComponentFailed" : (phase == .degraded ? "Degraded" : "ComponentsNotReady")
            var message = "\(ready)/\(total) components ready; not ready: \(notReady.joined(separator: ", "))"
            if !failed.isEmpty { message += "; progress deadline exceeded: \(failed.joined(separator: ", "))" }
            Conditions.set(&conditions, type: ConditionType.ready, status: false, reason: reason, message: message, observedGeneration: generation, now: now)
            let waitingText = waiting.isEmpty ? "" : "; waiting for dependencies: \(waiting.joined(separator: ", "))"
            Conditions.set(&conditions, type: ConditionType.progressing, status: failed.isEmpty, reason: failed.isEmpty ? "Reconciling" : "ProgressDeadlineExceeded",
                           message: "rolling out \(notReady.joined(separator: ", "))" + waitingText, observedGeneration: generation, now: now)
        }
        return DynamoDeploymentStatus(
            observedGeneration: generation, phase: phase, conditions: conditions,
            components: progress.statuses, readyComponents: "\(ready)/\(total)")
    }

    /// The status of a spec that failed validation: children are left as they are, and so are
    /// the per-component figures last observed.
    public static func invalid(dd: DynamoDeployment, errors: [ValidationError], now: Date) -> DynamoDeploymentStatus {
        var status = dd.status ?? DynamoDeploymentStatus()
        var conditions = status.conditions ?? []
        let message = errors.map(\.description).joined(separator: "; ")
        let generation = dd.metadata.generation
        Conditions.set(&conditions, type: ConditionType.valid, status: false, reason: reasonInvalidSpec, message: message, observedGeneration: generation, now: now)
        Conditions.set(&conditions, type: ConditionType.ready, status: false, reason: reasonInvalidSpec, message: "the spec is invalid; running children are left untouched", observedGeneration: generation, now: now)
        Conditions.set(&conditions, type: ConditionType.progressing, status: false, reason: reasonInvalidSpec, message: "nothing is rolled out until the spec is fixed", observedGeneration: generation, now: now)
        status.conditions = conditions
        status.phase = .failed
        status.observedGeneration = generation
        return status
    }
}

import Foundation
import Logging
import KubeModel
import DynamoAPI

/// What one reconcile did, for logs, metrics and tests.
public struct ReconcileOutcome: Sendable, Equatable {
    public var applied: [String] = []
    public var deleted: [String] = []
    public var statusWritten = false
    public var skipped: SkipReason? = nil

    public enum SkipReason: String, Sendable {
        case gone, deleting, invalid
    }

    public var writes: Int { applied.count + deleted.count + (statusWritten ? 1 : 0) }
}

/// Converges one DynamoDeployment's children towards its spec.
///
/// Guarantees, for one key (the work queue runs a key on one worker at a time):
/// - an object that is gone or has a `deletionTimestamp` gets no child created or updated
///   (garbage collection removes the children; nothing is recreated during deletion), and a
///   child that vanished is recreated only after a live read confirms its owner is neither gone
///   nor being deleted (the cache may not have seen the deletion yet);
/// - an invalid spec changes no child at all: only the status and a Warning event report it;
/// - children are applied only where the live object lacks an owned field, so a reconcile of an
///   unchanged, converged graph issues zero writes;
/// - only children that carry this object's uid as controller owner are ever deleted;
/// - the status is written only when it differs from the one observed.
public final class DynamoReconciler: Sendable {
    public typealias Clock = @Sendable () -> Date

    let state: ClusterState
    let writer: ClusterWriter
    let events: EventSink
    let now: Clock
    let logger: Logger
    let validations = ValidationCache()

    public init(state: ClusterState, writer: ClusterWriter, events: EventSink, now: @escaping Clock = { Date() }, logger: Logger = Logger(label: "dynamo.reconciler")) {
        self.state = state
        self.writer = writer
        self.events = events
        self.now = now
        self.logger = logger
    }

    public func reconcile(_ key: ObjectKey) throws -> ReconcileOutcome {
        var outcome = ReconcileOutcome()
        guard let dd = state.dynamoDeployment(key) else {
            validations.forget(key)
            outcome.skipped = .gone
            return outcome
        }
        if dd.metadata.deletionTimestamp != nil {
            outcome.skipped = .deleting
            return outcome
        }
        guard let namespace = dd.metadata.namespace, let uid = dd.metadata.uid else {
            outcome.skipped = .gone
            return outcome
        }
        let ref = ObjectReference(apiVersion: DynamoDeployment.apiVersion, kind: DynamoDeployment.kind, namespace: namespace, name: dd.metadata.name, uid: uid)

        let errors = validations.errors(for: dd, key: key)
        if !errors.isEmpty {
            outcome.skipped = .invalid
            let status = StatusBuilder.invalid(dd: dd, errors: errors, now: now())
            events.record(regarding: ref, type: .warning, reason: StatusBuilder.reasonInvalidSpec,
                          note: errors.map(\.description).joined(separator: "; "))
            if status != dd.status {
                try writer.writeStatus(status, of: dd)
                outcome.statusWritten = true
            }
            return outcome
        }

        let planned = try plan(dd)
        let live = state.liveChildren(namespace: namespace, ownerUID: uid)
        var liveDeployments = Dictionary(
            state.ownedDeployments(namespace: namespace, ownerUID: uid).compactMap { d in
                d.metadata.labels?[Labels.component].map { ($0, d) }
            }, uniquingKeysWith: { a, _ in a })
        let graph = ComponentGraph(spec: dd.spec)
        let progress = ComponentProgress(dd: dd, graph: graph, liveDeployments: liveDeployments)

        // Apply, dependencies first.
        let liveByID = Dictionary(live.map { ("\($0.kind.rawValue)/\($0.name)", $0) }, uniquingKeysWith: { a, _ in a })
        let order = graph.topologicalOrder ?? graph.names
        let createdBefore = Self.componentsCreatedBefore(dd)
        var ownerConfirmed = false
        for component in order where progress.released.contains(component) {
            // One event per component and reason ("created Service x, Deployment x"): half the
            // Event writes of one per child, and `kubectl describe` reads as what happened.
            var created: [String] = []
            var updated: [String] = []
            defer {
                if !created.isEmpty {
                    events.record(regarding: ref, type: .normal, reason: "Created", note: "created " + created.joined(separator: ", "))
                }
                if !updated.isEmpty {
                    events.record(regarding: ref, type: .normal, reason: "Updated", note: "updated " + updated.joined(separator: ", "))
                }
            }
            for child in planned where child.component == component {
                let id = "\(child.kind.rawValue)/\(child.name)"
                let existing = liveByID[id]
                if OwnedFields.satisfies(live: existing?.object, desired: child.object) { continue }
                if existing == nil, createdBefore.contains(component), !ownerConfirmed {
                    // Recreating: make sure the child did not vanish because its owner is being deleted.
                    guard let current = try writer.liveOwner(namespace: namespace, name: dd.metadata.name ?? ""),
                          current.metadata.uid == uid, current.metadata.deletionTimestamp == nil
                    else {
                        outcome.skipped = .deleting
                        return outcome
                    }
                    ownerConfirmed = true
                }
                // Only a Deployment's answer is read: the cache has not seen this write yet, and
                // status must judge the new generation.
                let result = try writer.apply(child.object, resource: child.kind.resource, namespace: namespace,
                                              readBack: child.kind == .deployment)
                outcome.applied.append(id)
                if let result, let applied = try? result.decode(as: Deployment.self) {
                    liveDeployments[component] = applied
                }
                if let existing {
                    let field = OwnedFields.firstDrift(live: existing.object, desired: child.object) ?? "."
                    updated.append("\(child.kind.rawValue) \(child.name) (\(field) differed)")
                } else {
                    created.append("\(child.kind.rawValue) \(child.name)")
                }
            }
        }

        // Prune what the spec no longer asks for.
        let wanted = Set(planned.map { "\($0.kind.rawValue)/\($0.name)" })
        for child in live where !wanted.contains("\(child.kind.rawValue)/\(child.name)") {
            guard try writer.delete(resource: child.kind.resource, namespace: namespace, name: child.name, uid: child.uid) else { continue }
            outcome.deleted.append("\(child.kind.rawValue)/\(child.name)")
            events.record(regarding: ref, type: .normal, reason: "Deleted", note: "deleted \(child.kind.rawValue) \(child.name): no longer in the spec")
        }

        let observed = outcome.applied.isEmpty ? progress : ComponentProgress(dd: dd, graph: graph, liveDeployments: liveDeployments)
        let status = StatusBuilder.valid(dd: dd, progress: observed, now: now())
        if status != dd.status {
            try writer.writeStatus(status, of: dd)
            outcome.statusWritten = true
        }
        return outcome
    }

    /// Components whose children this object's last status says were created: a missing child
    /// of one of them is a recreation, which first confirms the owner against the server.
    static func componentsCreatedBefore(_ dd: DynamoDeployment) -> Set<String> {
        let created: Set<ComponentPhase> = [.progressing, .ready, .failed]
        return Set((dd.status?.components ?? []).filter { created.contains($0.phase) }.map(\.name))
    }

    /// The desired children of a validated object, each stamped with its fingerprint.
    func plan(_ dd: DynamoDeployment) throws -> [PlannedChild] {
        try DesiredState.children(ofValidated: dd)
            .map { PlannedChild(kind: $0.summary.kind, name: $0.name, component: $0.component, object: SpecHash.stamped($0.object)) }
            .sorted { ($0.kind.applyRank, $0.name) < ($1.kind.applyRank, $1.name) }
    }
}

import Foundation
import KubeModel
import DynamoAPI
import DynamoController

/// Every write the operator issues to converge one graph from nothing, built offline the way
/// the operator builds them, so the bench can replay them without an operator (the write
/// floor) or cost them one by one on the stand-in core.
///
/// Guarantees:
/// - `applies` are the graph's children as the operator applies them (spec hash stamped), in
///   `DesiredState` order; without owner references when built `ownerless` (the lower bound
///   writes them into a namespace where the owner does not exist, and the garbage collector
///   would take any child naming an absent owner);
/// - `statusPatches` are the operator's status merge patches in the order it writes them: one
///   after each dependency level is released, then the one that says Ready (4 for the bench
///   graph of depth 3). Consecutive patches differ, so none is a no-op the server could skip;
/// - `events` is one `Created` Event per component, as the reconciler records them.
struct OperatorWrites {
    struct Apply {
        var kind: DesiredChildKind
        var name: String
        var object: JSONValue
    }

    var applies: [Apply]
    var statusPatches: [JSONValue]
    var events: [JSONValue]

    /// `dd` as the server holds it (name, namespace and uid set). Status patches carry no
    /// resourceVersion guard: the replay issues them from several threads at once.
    init(dd: DynamoDeployment, ownerless: Bool, now: Date = Date()) throws {
        let namespace = dd.metadata.namespace ?? ""
        let children = try DesiredState.children(of: dd)
        applies = children.map { child in
            var object = SpecHash.stamped(child.object)
            if ownerless { object[path: ["metadata", "ownerReferences"]] = nil }
            return Apply(kind: child.summary.kind, name: child.name, object: object)
        }
        statusPatches = try Self.statusSequence(dd: dd, children: children, now: now)
            .map { try ClientClusterWriter.statusPatch($0, resourceVersion: nil) }
        let regarding = ObjectReference(apiVersion: DynamoDeployment.apiVersion, kind: DynamoDeployment.kind,
                                        namespace: namespace, name: dd.metadata.name, uid: dd.metadata.uid)
        var events: [JSONValue] = []
        for component in dd.spec.components {
            let created = children.filter { $0.component == component.name }.map { "\($0.kind) \($0.name)" }
            let event = Event(metadata: ObjectMeta(name: "\(dd.metadata.name ?? "").\(component.name).\(UInt64(now.timeIntervalSince1970 * 1e9))", namespace: namespace),
                              eventTime: KubeTime.formatMicro(now), reportingController: "nvidia.com/dynamo-operator",
                              reportingInstance: "dynamo-bench", action: "Reconcile", reason: "Created",
                              note: "created " + created.joined(separator: ", "), type: "Normal", regarding: regarding)
            events.append(try JSONValue(encoding: event))
        }
        self.events = events
    }

    /// The statuses the operator writes while `dd` converges: each reconcile releases the
    /// components whose dependencies are Ready, and the next one sees them rolled out.
    static func statusSequence(dd: DynamoDeployment, children: [DesiredChild], now: Date) throws -> [DynamoDeploymentStatus] {
        let graph = ComponentGraph(spec: dd.spec)
        var live: [String: Deployment] = [:]
        var out: [DynamoDeploymentStatus] = []
        for _ in 0...graph.names.count {
            let progress = ComponentProgress(dd: dd, graph: graph, liveDeployments: live)
            out.append(StatusBuilder.valid(dd: dd, progress: progress, now: now))
            if progress.statuses.allSatisfy({ $0.phase == .ready || $0.phase == .unused }) { return out }
            for child in children where child.summary.kind == .deployment && progress.released.contains(child.component) {
                live[child.component] = try rolledOut(child.object)
            }
        }
        throw BenchError("\(dd.metadata.name ?? ""): the status sequence did not reach Ready")
    }

    /// A desired Deployment as the deployment controller leaves it once rolled out.
    static func rolledOut(_ object: JSONValue) throws -> Deployment {
        var deployment = try object.decode(as: Deployment.self)
        let replicas = deployment.spec?.replicas ?? 1
        deployment.metadata.generation = 1
        deployment.status = DeploymentStatus(observedGeneration: 1, replicas: replicas, updatedReplicas: replicas,
                                             readyReplicas: replicas, availableReplicas: replicas)
        return deployment
    }
}

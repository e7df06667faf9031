import KubeModel
import DynamoAPI

/// What the reconciler reads: the informers' caches. Reads never touch the API server, which is
/// what keeps a reconcile of an unchanged graph at zero requests.
public protocol ClusterState: Sendable {
    func dynamoDeployment(_ key: ObjectKey) -> DynamoDeployment?
    /// Children in `namespace` whose controller owner has this uid.
    func ownedDeployments(namespace: String, ownerUID: String) -> [Deployment]
    func ownedServices(namespace: String, ownerUID: String) -> [Service]
    func ownedAutoscalers(namespace: String, ownerUID: String) -> [HorizontalPodAutoscaler]
}

/// What the reconciler writes. Every write is a single API request.
public protocol ClusterWriter: Sendable {
    /// Server-side apply with field manager `dynamo-operator` and `force=true`; returns the live
    /// object when `readBack` is set, else nil (the answer's body is then not parsed).
    func apply(_ object: JSONValue, resource: ResourceDescriptor, namespace: String, readBack: Bool) throws -> JSONValue?
    /// Deletes one child, only if its uid still matches (a precondition, so a recreated
    /// object of the same name is never removed by mistake). Returns false when the object was
    /// already gone or replaced (not an error: the goal is reached).
    func delete(resource: ResourceDescriptor, namespace: String, name: String, uid: String) throws -> Bool
    /// Writes `status` through the status subresource.
    func writeStatus(_ status: DynamoDeploymentStatus, of owner: DynamoDeployment) throws
    /// The owner as the API server holds it now (nil when gone), bypassing the cache: watches
    /// of different kinds are not ordered, so a child's deletion by the garbage collector can
    /// reach the operator before the owner's `deletionTimestamp` does. Read only before
    /// recreating a child, where acting on a stale owner would resurrect it.
    func liveOwner(namespace: String, name: String) throws -> DynamoDeployment?
}

/// Where the reconciler reports what it did, as Kubernetes Events on the DynamoDeployment.
public protocol EventSink: Sendable {
    func record(regarding: ObjectReference, type: EventType, reason: String, note: String)
}

public enum EventType: String, Sendable {
    case normal = "Normal"
    case warning = "Warning"
}

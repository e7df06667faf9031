import KubeModel
import KubeRuntime
import DynamoAPI

/// Which informer events reach the work queue, and under which key.
///
/// Guarantees:
/// - a DynamoDeployment add or delete always enqueues its key;
/// - a DynamoDeployment update enqueues it only when `EventFilters.specOrMetadataChanged` says
///   so (the operator's own status writes do not loop), or when old and new carry the same
///   resourceVersion, which only the informer's periodic resync produces;
/// - a child's add, update or delete enqueues its controller owner's key when that owner is a
///   DynamoDeployment; an update that moved the child to another owner enqueues both.
public enum EventMapping {
    public static func shouldEnqueueUpdate(old: ObjectMeta, new: ObjectMeta) -> Bool {
        if let rv = new.resourceVersion, rv == old.resourceVersion { return true }
        return EventFilters.specOrMetadataChanged(old, new)
    }

    /// The owning DynamoDeployment's key, if a DynamoDeployment controls this child.
    public static func ownerKey(of child: ObjectMeta) -> ObjectKey? {
        EventFilters.controllerOwnerKey(of: child, kind: DynamoDeployment.kind)
    }

    /// Keys to enqueue for a child's update (usually one; none for a child no DynamoDeployment controls).
    public static func ownerKeys(old: ObjectMeta, new: ObjectMeta) -> [ObjectKey] {
        var keys: [ObjectKey] = []
        if let k = ownerKey(of: new) { keys.append(k) }
        if let k = ownerKey(of: old), !keys.contains(k) { keys.append(k) }
        return keys
    }

    /// Informer handlers for DynamoDeployments.
    public static func ownerHandlers<LW: ListerWatcher>(for _: LW.Type, _ enqueue: @escaping @Sendable (ObjectKey) -> Void)
        -> Informer<LW>.Handlers where LW.Object == DynamoDeployment {
        .init(onAdd: { enqueue($0.key) },
              onUpdate: { old, new in if shouldEnqueueUpdate(old: old.metadata, new: new.metadata) { enqueue(new.key) } },
              onDelete: { enqueue($0.key) })
    }

    /// Informer handlers for a child kind.
    public static func childHandlers<LW: ListerWatcher>(for _: LW.Type, _ enqueue: @escaping @Sendable (ObjectKey) -> Void)
        -> Informer<LW>.Handlers {
        .init(onAdd: { if let k = ownerKey(of: $0.metadata) { enqueue(k) } },
              onUpdate: { old, new in ownerKeys(old: old.metadata, new: new.metadata).forEach(enqueue) },
              onDelete: { if let k = ownerKey(of: $0.metadata) { enqueue(k) } })
    }
}

import KubeClient
import KubeModel

/// The `LeaseStore` of leader election over `KubeClient` (`coordination.k8s.io/v1` Leases; RBAC
/// verbs get, create, update).
///
/// Guarantees:
/// - `get` returns nil for a Lease that does not exist (404) and throws any other failure;
/// - `create` fails when another candidate created the Lease first (409 AlreadyExists);
/// - `update` is a PUT carrying the resourceVersion the caller read, so a write based on a stale
///   read fails with 409 Conflict (optimistic concurrency) instead of overwriting the winner;
/// - `isConflict` is true for both 409s: either way another candidate wrote first.
public struct ClientLeaseStore: LeaseStore {
    public let client: KubeClient

    public init(client: KubeClient) { self.client = client }

    public func get(namespace: String, name: String) throws -> Lease? {
        do {
            return try client.get(Lease.self, namespace: namespace, name: name)
        } catch let e as KubeError where e.isNotFound {
            return nil
        }
    }

    public func create(_ lease: Lease) throws -> Lease {
        try client.create(Self.prepared(lease), namespace: lease.metadata.namespace)
    }

    public func update(_ lease: Lease) throws -> Lease {
        try client.replace(Self.prepared(lease), namespace: lease.metadata.namespace)
    }

    public func isConflict(_ error: Error) -> Bool { Self.isWriteConflict(error) }

    // MARK: - Mapping (pure; unit-tested)

    /// 409 Conflict (stale resourceVersion) or 409 AlreadyExists (lost the create race).
    public static func isWriteConflict(_ error: Error) -> Bool {
        guard let e = error as? KubeError else { return false }
        return e.code == 409
    }

    /// The object as sent: managedFields dropped (the server keeps its own when they are omitted),
    /// resourceVersion kept as the precondition.
    public static func prepared(_ lease: Lease) -> Lease {
        var lease = lease
        lease.metadata.managedFields = nil
        return lease
    }
}

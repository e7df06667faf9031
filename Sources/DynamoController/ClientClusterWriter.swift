import KubeClient
import KubeModel
import DynamoAPI

/// `ClusterWriter` over `KubeClient`.
///
/// Guarantees:
/// - children are written by server-side apply, field manager `dynamo-operator`, `force=true`
///   (the operator is the authority for the fields it declares);
/// - `delete` carries a uid precondition and background propagation; 404 (already gone) and
///   409 (uid precondition failed: a new object of the same name) return false, anything else
///   throws;
/// - status goes through the `status` subresource as a JSON merge patch (see `statusPatch`)
///   guarded by the owner's cached resourceVersion: a 409 is thrown, so the work queue retries
///   with a fresh cache; a 404 (the owner is gone) is not an error.
public struct ClientClusterWriter: ClusterWriter {
    /// The field manager of every child the operator applies.
    public static let fieldManager = "dynamo-operator"

    public let client: KubeClient

    public init(client: KubeClient) { self.client = client }

    public func apply(_ object: JSONValue, resource: ResourceDescriptor, namespace: String, readBack: Bool) throws -> JSONValue? {
        let name = object[path: ["metadata", "name"]]?.stringValue ?? ""
        let options = WriteOptions(fieldManager: Self.fieldManager, force: true)
        guard readBack else {
            try client.patchIgnoringResult(resource, namespace: namespace, name: name, patch: .apply(object), options: options)
            return nil
        }
        return try client.patch(resource, namespace: namespace, name: name, patch: .apply(object), options: options)
    }

    public func delete(resource: ResourceDescriptor, namespace: String, name: String, uid: String) throws -> Bool {
        do {
            try client.delete(resource, namespace: namespace, name: name, options: Self.deleteOptions(uid: uid))
            return true
        } catch {
            return try Self.deleteResult(error)
        }
    }

    public func writeStatus(_ status: DynamoDeploymentStatus, of owner: DynamoDeployment) throws {
        guard let name = owner.metadata.name else { return }
        do {
            try client.patchIgnoringResult(DynamoDeployment.resource, namespace: owner.metadata.namespace, name: name,
                                           patch: .merge(try Self.statusPatch(status, resourceVersion: owner.metadata.resourceVersion)),
                                           subresource: "status", options: WriteOptions(fieldManager: Self.fieldManager))
        } catch let e as KubeError where e.isNotFound {
            return
        }
    }

    public func liveOwner(namespace: String, name: String) throws -> DynamoDeployment? {
        do {
            return try client.get(DynamoDeployment.self, namespace: namespace, name: name)
        } catch let e as KubeError where e.isNotFound {
            return nil
        }
    }

    // MARK: - Mapping (pure; unit-tested)

    public static func deleteOptions(uid: String) -> DeleteOptions {
        DeleteOptions(propagationPolicy: "Background", preconditions: .init(uid: uid))
    }

    /// What a failed delete means: false when the goal is reached anyway (404 gone, 409 replaced
    /// by a new object the precondition protected); otherwise rethrows.
    public static func deleteResult(_ error: Error) throws -> Bool {
        if let e = error as? KubeError, e.code == 404 || e.code == 409 { return false }
        throw error
    }

    /// The status write.
    ///
    /// Merge patch rather than apply: the reconciler computes the whole status from the previous
    /// one, so the write must *be* that status, field for field. A merge patch says exactly that
    /// (lists such as `conditions` and `components` are replaced whole; every top-level status
    /// field the new status lacks is sent as `null`, which removes it), needs no field-ownership
    /// bookkeeping on a subresource only the operator writes, and `metadata.resourceVersion`
    /// makes it conditional on the object the status was computed from.
    public static func statusPatch(_ status: DynamoDeploymentStatus, resourceVersion: String?) throws -> JSONValue {
        var body = try JSONValue(encoding: status)
        var fields = body.objectValue ?? [:]
        for key in statusFields where fields[key] == nil { fields[key] = .null }
        body = .object(fields)
        var patch: JSONValue = ["status": body]
        if let rv = resourceVersion, !rv.isEmpty { patch[path: ["metadata", "resourceVersion"]] = .string(rv) }
        return patch
    }

    /// Every top-level field of `DynamoDeploymentStatus`.
    static let statusFields = ["observedGeneration", "phase", "conditions", "components", "readyComponents"]
}

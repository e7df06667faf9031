import Foundation
import KubeModel

// CONTRACT SCAFFOLD: the signatures the core codes against. The object-rules engineer replaces
// each `fatalError` body with the implementation (in files of its own) and then deletes this file.

/// A patch document that cannot be applied (bad JSON pointer, failed `test` op, wrong types).
public struct PatchError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

public enum Defaulting {
    /// Fills the server-side defaults of a built-in kind (Deployment, Service, HPA, Lease, Event,
    /// Namespace, Secret, ConfigMap, ...) as kube-apiserver does on create and update; kinds
    /// without defaults are left as they are.
    public static func apply(to object: inout JSONValue, resource: ResourceDescriptor) {
        fatalError("Defaulting.apply: not implemented yet")
    }
}

public enum BuiltinValidation {
    /// Validation of a built-in kind, as kube-apiserver's (the parts clients meet in practice:
    /// names, required fields, selector vs template labels, container names and images, ports,
    /// Event names, Lease fields). Returns every error, empty when valid.
    public static func validate(_ object: JSONValue, resource: ResourceDescriptor, operation: WriteOperation, old: JSONValue?) -> [FieldError] {
        fatalError("BuiltinValidation.validate: not implemented yet")
    }
}

/// A CRD version's `openAPIV3Schema`, applied to custom resources as the API server applies it.
public struct StructuralSchema: Sendable {
    public let root: JSONValue

    public init(openAPIV3Schema: JSONValue) {
        root = openAPIV3Schema
    }

    /// Removes fields the schema does not declare (except under `x-kubernetes-preserve-unknown-fields`),
    /// as the API server prunes custom resources; `apiVersion`, `kind` and `metadata` stay.
    public func prune(_ object: inout JSONValue) {
        fatalError("StructuralSchema.prune: not implemented yet")
    }

    /// Applies `default` values of absent fields, top-down.
    public func applyDefaults(to object: inout JSONValue) {
        fatalError("StructuralSchema.applyDefaults: not implemented yet")
    }

    /// type, nullable, required, enum, pattern, format (when simple), minimum/maximum (and exclusive),
    /// minLength/maxLength, minItems/maxItems, minProperties/maxProperties, uniqueItems,
    /// `x-kubernetes-list-type: map|set` key uniqueness. CEL rules are not evaluated.
    public func validate(_ object: JSONValue) -> [FieldError] {
        fatalError("StructuralSchema.validate: not implemented yet")
    }

    /// The list-map keys declared for the list at `path` (field names from the object root,
    /// array items as "[]"), for server-side apply merges; nil when the list is atomic.
    public func listMapKeys(at path: [String]) -> [String]? {
        fatalError("StructuralSchema.listMapKeys: not implemented yet")
    }
}

public enum JSONPatch {
    /// RFC 6902: add, remove, replace, move, copy, test.
    public static func apply(_ operations: JSONValue, to document: JSONValue) throws(PatchError) -> JSONValue {
        fatalError("JSONPatch.apply: not implemented yet")
    }
}

public enum ManagedFields {
    /// The object after a non-apply write (create, update, merge or JSON patch) by `manager`:
    /// `metadata.managedFields` updated as the real server does (an `Update` entry owning every
    /// field this write set or changed, `subresource` recorded for status writes, fields taken
    /// over removed from other managers' sets, empty entries dropped).
    /// `schema` gives list-map keys for custom resources; built-in kinds use their known keys.
    public static func recordUpdate(old: JSONValue?, new: JSONValue, manager: String, apiVersion: String,
                                    subresource: String?, time: String, schema: StructuralSchema?) -> JSONValue {
        fatalError("ManagedFields.recordUpdate: not implemented yet")
    }

    /// Server-side apply of `config` onto `live` (nil: the object is created) by `manager`:
    /// merges maps and list-maps by key, removes fields this manager applied before and no longer
    /// applies (unless another manager also owns them), records an `Apply` entry. Throws
    /// `ApplyConflict` when a field owned by another manager would change and `force` is false;
    /// with `force` the applier takes those fields over.
    public static func apply(config: JSONValue, to live: JSONValue?, manager: String, apiVersion: String, force: Bool,
                             subresource: String?, time: String, schema: StructuralSchema?) throws(ApplyConflict) -> JSONValue {
        fatalError("ManagedFields.apply: not implemented yet")
    }
}

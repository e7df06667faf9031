import Foundation
import KubeModel

/// A CRD version's `openAPIV3Schema`, applied to custom resources as the API server applies it:
/// pruning, defaulting (this file), validation (StructuralSchemaValidation.swift) and the list/map
/// semantics server-side apply needs (`listMapKeys`, FieldTypes.swift).
///
/// Guarantees: pure functions of the schema and the object; `apiVersion`, `kind` and `metadata` at
/// the root are never pruned or defaulted; schema nodes the object does not reach are ignored.
/// `x-kubernetes-validations` (CEL) rules are NOT evaluated; `x-kubernetes-embedded-resource`
/// nodes keep their own apiVersion/kind/metadata like the root.
public struct StructuralSchema: Sendable {
    public let root: JSONValue
    /// The root field type server-side apply and managed fields use, derived once per schema
    /// (every write of a custom resource needs it).
    public let fieldType: FieldType

    public init(openAPIV3Schema: JSONValue) {
        root = openAPIV3Schema
        fieldType = FieldTypes.custom(root)
    }

    /// Root fields every object keeps whatever the schema says.
    static let typeMetaFields: Set<String> = ["apiVersion", "kind", "metadata"]

    /// Removes fields the schema does not declare (except under `x-kubernetes-preserve-unknown-fields`),
    /// as the API server prunes custom resources; `apiVersion`, `kind` and `metadata` stay.
    /// JSON nulls of fields that are not `nullable` are dropped too (the server prunes them before defaulting).
    public func prune(_ object: inout JSONValue) {
        var report: [String]? = nil
        object = Self.pruned(object, schema: root, isRoot: true, path: "", unknown: &report)
    }

    /// `prune` for a write to the status subresource, where everything but `.status` is the stored
    /// object's (pruned when it was written): only `.status` is pruned, and every other subtree
    /// keeps its storage, so later comparisons with the stored object stay identity checks.
    public func pruneStatus(_ object: inout JSONValue) {
        guard let status = object["status"] else { return }
        var report: [String]? = nil
        object["status"] = Self.pruned(["status": status], schema: root, isRoot: true, path: "", unknown: &report)["status"]
    }

    /// Dotted paths (`spec.foo`, `spec.items[0].bar`) of the fields `prune` would drop because the
    /// schema does not declare them, plus `metadata.x` for fields `metav1.ObjectMeta` lacks (which
    /// strict decoding reports), sorted. Nulls pruning drops from declared fields are not unknown.
    public func unknownFields(_ object: JSONValue) -> [String] {
        var report: [String]? = []
        _ = Self.pruned(object, schema: root, isRoot: true, path: "", unknown: &report)
        return (report ?? []).sorted()
    }

    /// `metav1.ObjectMeta`'s JSON fields (strict decoding reports others as `metadata.x`).
    static let objectMetaFields: Set<String> = [
        "name", "generateName", "namespace", "selfLink", "uid", "resourceVersion", "generation", "creationTimestamp",
        "deletionTimestamp", "deletionGracePeriodSeconds", "labels", "annotations", "ownerReferences", "finalizers", "managedFields",
    ]

    /// The one walk behind `prune` and `unknownFields`: `value` without what `schema` does not
    /// declare; when `unknown` is non-nil, the paths of the undeclared fields are appended to it
    /// (and only then are paths built).
    static func pruned(_ value: JSONValue, schema: JSONValue, isRoot: Bool, path: String, unknown: inout [String]?) -> JSONValue {
        func join(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
        let reporting = unknown != nil
        switch value {
        case .object(let fields):
            let properties = schema["properties"]?.objectValue
            let additional = schema["additionalProperties"]
            let preserve = schema["x-kubernetes-preserve-unknown-fields"] == true
            let embedded = isRoot || schema["x-kubernetes-embedded-resource"] == true
            var out: [String: JSONValue] = [:]
            for (key, child) in fields {
                if embedded, typeMetaFields.contains(key) {
                    if reporting, key == "metadata", let meta = child.objectValue {
                        for k in meta.keys where !objectMetaFields.contains(k) { unknown?.append(join("metadata.\(k)")) }
                    }
                    out[key] = child
                    continue
                }
                let childPath = reporting ? join(key) : ""
                if let propSchema = properties?[key] {
                    if child.isNull, propSchema["nullable"] != true { continue }
                    out[key] = pruned(child, schema: propSchema, isRoot: false, path: childPath, unknown: &unknown)
                } else if let additional, case .object = additional {
                    if child.isNull, additional["nullable"] != true { continue }
                    out[key] = pruned(child, schema: additional, isRoot: false, path: childPath, unknown: &unknown)
                } else if preserve || additional == true {
                    out[key] = child
                } else {
                    unknown?.append(childPath)
                }
            }
            return .object(out)
        case .array(let items):
            guard let itemSchema = schema["items"], case .object = itemSchema else { return value }
            return .array(items.enumerated().map { i, item in
                pruned(item, schema: itemSchema, isRoot: false, path: reporting ? "\(path)[\(i)]" : "", unknown: &unknown)
            })
        default:
            return value
        }
    }

    /// Applies `default` values of absent fields, top-down: a defaulted object is itself defaulted
    /// further, and defaults reach array items and `additionalProperties` values. A JSON null in a
    /// field that is not `nullable` counts as absent.
    public func applyDefaults(to object: inout JSONValue) {
        object = Self.defaulted(object, schema: root, isRoot: true)
    }

    static func defaulted(_ value: JSONValue, schema: JSONValue, isRoot: Bool) -> JSONValue {
        switch value {
        case .object(var fields):
            for (key, propSchema) in schema["properties"]?.objectValue ?? [:] {
                if isRoot, typeMetaFields.contains(key) { continue }
                let absent = fields[key] == nil || (fields[key]!.isNull && propSchema["nullable"] != true)
                if absent, let def = propSchema["default"] { fields[key] = def }
                if let child = fields[key] { fields[key] = defaulted(child, schema: propSchema, isRoot: false) }
            }
            if let additional = schema["additionalProperties"], case .object = additional {
                let declared = schema["properties"]?.objectValue ?? [:]
                for (key, child) in fields where declared[key] == nil && !(isRoot && typeMetaFields.contains(key)) {
                    fields[key] = defaulted(child, schema: additional, isRoot: false)
                }
            }
            return .object(fields)
        case .array(let items):
            guard let itemSchema = schema["items"], case .object = itemSchema else { return value }
            return .array(items.map { defaulted($0, schema: itemSchema, isRoot: false) })
        default:
            return value
        }
    }

    /// The schema node at `path` (field names from the object root, array items as "[]",
    /// `additionalProperties` for undeclared keys), nil when the schema does not describe it.
    public func node(at path: [String]) -> JSONValue? {
        var cur = root
        for component in path {
            if component == "[]" {
                guard let items = cur["items"] else { return nil }
                cur = items
            } else if let prop = cur[path: ["properties", component]] {
                cur = prop
            } else if let additional = cur["additionalProperties"], case .object = additional {
                cur = additional
            } else {
                return nil
            }
        }
        return cur
    }

    /// The list-map keys declared for the list at `path` (field names from the object root,
    /// array items as "[]"), for server-side apply merges; nil when the list is atomic (or a set).
    public func listMapKeys(at path: [String]) -> [String]? {
        guard let list = node(at: path), list["x-kubernetes-list-type"] == "map" else { return nil }
        return (list["x-kubernetes-list-map-keys"]?.arrayValue ?? []).compactMap(\.stringValue)
    }
}

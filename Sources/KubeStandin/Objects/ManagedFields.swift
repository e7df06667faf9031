import Foundation
import KubeModel

/// `metadata.managedFields` bookkeeping, as kube-apiserver's field manager (structured-merge-diff)
/// keeps it. Update writes live here; server-side apply in ServerSideApply.swift.
///
/// Guarantees: untracked metadata (name, namespace, uid, resourceVersion, generation,
/// creationTimestamp, managedFields) and apiVersion/kind never appear in a set; an entry is
/// identified by manager + operation + subresource (+ apiVersion for Update entries); entries whose
/// set becomes empty are dropped; entries are ordered as the server orders them (operation, then
/// time, then manager, apiVersion, subresource), so `Apply` entries come first.
/// Not modelled: the cap of 10 Update entries (older ones merged into "ancient-changes"), the
/// "before-first-apply" entry, and conversion of sets between API versions.
public enum ManagedFields {
    /// One entry of `metadata.managedFields`.
    ///
    /// An entry read from an object is written back as it was read until its time or fields
    /// change (most writes touch one manager's entry; re-encoding the others' sets cost more
    /// than computing the change).
    public struct Entry: Sendable, Equatable {
        public var manager: String
        public var operation: String
        public var apiVersion: String
        public var time: String? { didSet { source = nil } }
        public var subresource: String?
        public var fields: FieldSet { didSet { source = nil } }
        /// The JSON this entry was read from, while it still says the same.
        private var source: JSONValue?

        public init(manager: String, operation: String, apiVersion: String, time: String?, subresource: String?, fields: FieldSet) {
            self.manager = manager
            self.operation = operation
            self.apiVersion = apiVersion
            self.time = time
            self.subresource = subresource
            self.fields = fields
        }

        init?(_ json: JSONValue) {
            guard let manager = json["manager"]?.stringValue, let operation = json["operation"]?.stringValue else { return nil }
            self.init(manager: manager, operation: operation, apiVersion: json["apiVersion"]?.stringValue ?? "",
                      time: json["time"]?.stringValue, subresource: json["subresource"]?.stringValue,
                      fields: FieldSet(fieldsV1: json["fieldsV1"] ?? [:]))
        }

        /// An entry of a stored object (written by this server, so already in the form it writes).
        init?(stored json: JSONValue) {
            self.init(json)
            source = json
        }

        public static func == (a: Entry, b: Entry) -> Bool {
            a.manager == b.manager && a.operation == b.operation && a.apiVersion == b.apiVersion && a.time == b.time
                && a.subresource == b.subresource && a.fields == b.fields
        }

        /// Drops `changed` and `removed` from this entry's set (another manager took them over or
        /// they are gone); an entry that owned none of them is left as read.
        mutating func release(_ changed: FieldSet, _ removed: FieldSet) {
            let remaining = fields.subtracting(changed).subtracting(removed)
            if remaining != fields { fields = remaining }
        }

        public var json: JSONValue {
            if let source { return source }
            var o: [String: JSONValue] = [
                "manager": .string(manager), "operation": .string(operation), "apiVersion": .string(apiVersion),
                "fieldsType": "FieldsV1", "fieldsV1": fields.fieldsV1,
            ]
            if let time { o["time"] = .string(time) }
            if let subresource, !subresource.isEmpty { o["subresource"] = .string(subresource) }
            return .object(o)
        }

        /// Same manager identity (Apply entries keep it across API versions).
        func sameIdentity(manager: String, operation: String, apiVersion: String, subresource: String?) -> Bool {
            self.manager == manager && self.operation == operation && (self.subresource ?? "") == (subresource ?? "")
                && (operation == "Apply" || self.apiVersion == apiVersion)
        }
    }

    /// The entries recorded in an object (empty when none or malformed); `stored` when the object
    /// is the stored one, whose entries this server wrote (a client's are re-encoded on write).
    public static func entries(of object: JSONValue?, stored: Bool = false) -> [Entry] {
        (object?[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { stored ? Entry(stored: $0) : Entry($0) }
    }

    /// `object` with `entries` written to `metadata.managedFields`, sorted as the server sorts them.
    public static func writing(_ entries: [Entry], to object: JSONValue) -> JSONValue {
        var out = object
        let sorted = entries.sorted { p, q in
            if p.operation != q.operation { return p.operation < q.operation }
            // A missing time sorts first (it counts as the zero time); RFC 3339 UTC strings sort chronologically.
            if (p.time ?? "") != (q.time ?? "") { return (p.time ?? "") < (q.time ?? "") }
            if p.manager != q.manager { return p.manager < q.manager }
            if p.apiVersion != q.apiVersion { return p.apiVersion < q.apiVersion }
            return (p.subresource ?? "") < (q.subresource ?? "")
        }
        out[path: ["metadata", "managedFields"]] = sorted.isEmpty ? nil : .array(sorted.map(\.json))
        return out
    }

    /// The root field type of `object`: from `schema` for custom resources, else the built-in table.
    static func rootType(of object: JSONValue, schema: StructuralSchema?) -> FieldType {
        if let schema { return schema.fieldType }
        return FieldTypes.builtin(apiVersion: object["apiVersion"]?.stringValue ?? "", kind: object["kind"]?.stringValue ?? "")
    }

    /// The object as the field manager compares it: no managedFields, Go zero-value structs present.
    static func comparable(_ object: JSONValue?, like reference: JSONValue, schema: StructuralSchema?) -> JSONValue {
        var o = object ?? [:]
        o[path: ["metadata", "managedFields"]] = nil
        if o["metadata"] == .object([:]) { o["metadata"] = nil }
        guard schema == nil else { return o }
        return o.overlaying(FieldTypes.zeroValue(apiVersion: reference["apiVersion"]?.stringValue ?? "", kind: reference["kind"]?.stringValue ?? ""))
    }

    /// The object after a non-apply write (create, update, merge or JSON patch) by `manager`:
    /// `metadata.managedFields` updated as the real server does (an `Update` entry owning every
    /// field this write set or changed, `subresource` recorded for status writes, fields taken
    /// over removed from other managers' sets, empty entries dropped).
    /// `schema` gives list-map keys for custom resources; built-in kinds use their known keys.
    ///
    /// Pass `old` and `new` as stored (after defaulting, and after the core reset the fields the
    /// subresource may not change): ownership follows what actually changed. A `new` whose
    /// managedFields differ from `old`'s replaces them first (an empty list clears them all and
    /// records nothing, as the server does).
    public static func recordUpdate(old: JSONValue?, new: JSONValue, manager: String, apiVersion: String,
                                    subresource: String?, time: String, schema: StructuralSchema?) -> JSONValue {
        let oldManaged = old?[path: ["metadata", "managedFields"]]
        let newManaged = new[path: ["metadata", "managedFields"]]
        if newManaged == .array([]) {
            var out = new
            out[path: ["metadata", "managedFields"]] = nil
            return out
        }
        let replaced = newManaged != nil && newManaged != oldManaged
        var entries = entries(of: replaced ? new : old, stored: !replaced)
        let type = rootType(of: new, schema: schema)
        let before = comparable(old, like: new, schema: schema)
        let after = comparable(new, like: new, schema: schema)
        var (changed, removed) = FieldSetCompute.diff(old: before, new: after, type: type)
        changed = changed.subtracting(FieldSet.untracked)
        removed = removed.subtracting(FieldSet.untracked)

        for i in entries.indices { entries[i].release(changed, removed) }
        if !changed.isEmpty {
            if let i = entries.firstIndex(where: { $0.sameIdentity(manager: manager, operation: "Update", apiVersion: apiVersion, subresource: subresource) }) {
                entries[i].fields = entries[i].fields.union(changed)
                entries[i].time = time
            } else {
                entries.append(Entry(manager: manager, operation: "Update", apiVersion: apiVersion, time: time, subresource: subresource, fields: changed))
            }
        }
        entries.removeAll { $0.fields.isEmpty }
        return writing(entries, to: new)
    }
}

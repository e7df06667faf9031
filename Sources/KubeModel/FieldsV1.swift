/// `managedFields[].fieldsV1`: the set of fields one manager owns, as the API server records it
/// (structured-merge-diff's wire form: `f:<name>` for a field, `k:<json>` for the element of an
/// associative list with those key values, `v:<json>` for a set element, `i:<n>` for a list index,
/// `.` for "this element itself"; an empty object marks a leaf owned whole).
public enum FieldsV1 {
    /// The `fieldsV1` of `manager`'s entry for `operation` on the main resource, if it has one.
    public static func owned(by manager: String, operation: String = "Apply", in managedFields: [JSONValue]?) -> JSONValue? {
        managedFields?.first {
            $0["manager"]?.stringValue == manager && $0["operation"]?.stringValue == operation
                && ($0["subresource"]?.stringValue ?? "").isEmpty
        }?["fieldsV1"]
    }

    /// The part of `value` that `fields` names: objects keep only the named fields, lists only the
    /// named elements (in their live order), and a leaf of the set keeps its value whole. nil
    /// when `fields` names nothing under `value`.
    ///
    /// Guarantee: every field path the set names, and that `value` has, is kept with its value
    /// unchanged; nothing the set does not name is kept (except inside a leaf).
    public static func project(_ value: JSONValue, onto fields: JSONValue) -> JSONValue? {
        guard case .object(let set) = fields, set.keys.contains(where: { $0 != "." }) else { return value }
        switch value {
        case .object(let object):
            var out: [String: JSONValue] = [:]
            for (key, sub) in set where key.hasPrefix("f:") {
                let name = String(key.dropFirst(2))
                if let v = object[name], let kept = project(v, onto: sub) { out[name] = kept }
            }
            return .object(out)
        case .array(let elements):
            let selectors = set.compactMap { key, sub in ElementSelector(key).map { ($0, sub) } }
            var out: [JSONValue] = []
            for (index, element) in elements.enumerated() {
                guard let sub = selectors.first(where: { $0.0.matches(element, at: index) })?.1 else { continue }
                if let kept = project(element, onto: sub) { out.append(kept) }
            }
            return .array(out)
        default:
            return value
        }
    }

    /// Which list element a `k:`, `v:` or `i:` key names.
    enum ElementSelector {
        case keys([String: JSONValue])
        case value(JSONValue)
        case index(Int)

        init?(_ key: String) {
            let body = Array(key.utf8.dropFirst(2))
            if key.hasPrefix("k:"), case .object(let keys)? = JSONParser.parse(bytes: body) {
                self = .keys(keys)
            } else if key.hasPrefix("v:"), let v = JSONParser.parse(bytes: body) {
                self = .value(v)
            } else if key.hasPrefix("i:"), let i = Int(key.dropFirst(2)) {
                self = .index(i)
            } else {
                return nil
            }
        }

        func matches(_ element: JSONValue, at index: Int) -> Bool {
            switch self {
            case .keys(let keys): return keys.allSatisfy { k, v in element[k]?.sameValue(as: v) ?? false }
            case .value(let v): return element.sameValue(as: v)
            case .index(let i): return i == index
            }
        }
    }
}

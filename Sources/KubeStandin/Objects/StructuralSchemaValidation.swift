import Foundation
import Synchronization
import KubeModel

/// Validation of a custom resource against its structural schema, with the field paths and the
/// wording apiextensions-apiserver produces (kube-openapi's validate errors converted to
/// `field.Error`s). Object properties are visited in sorted order, so the error order is stable.
///
/// Not evaluated: CEL `x-kubernetes-validations`, `format` beyond accepting it, `oneOf`/`anyOf`/`allOf`/`not`.
extension StructuralSchema {
    /// type, nullable, required, enum, pattern, format (when simple), minimum/maximum (and exclusive),
    /// minLength/maxLength, minItems/maxItems, minProperties/maxProperties, uniqueItems,
    /// `x-kubernetes-list-type: map|set` key uniqueness. CEL rules are not evaluated.
    /// `apiVersion`, `kind` and `metadata` are not checked against the schema; with `includeMetadata`
    /// metadata is checked as the server checks a custom resource's (name and generateName as RFC 1123
    /// subdomains, label and annotation keys and values) — off by default because the core runs its
    /// own metadata checks for custom resources, and the causes must not appear twice.
    public func validate(_ object: JSONValue, includeMetadata: Bool = false) -> [FieldError] {
        var errs = includeMetadata ? NameValidation.objectMeta(object, nameValidator: NameValidation.subdomainName) : []
        var rootSchema = root
        if case .object(var props) = rootSchema["properties"] {
            for key in Self.typeMetaFields { props[key] = nil }
            rootSchema["properties"] = .object(props)
        }
        var stripped = object
        for key in Self.typeMetaFields { stripped[key] = nil }
        Self.check(stripped, schema: rootSchema, path: "", errs: &errs)
        return errs
    }

    /// What a write to the status subresource is checked against: `.status` alone, against the
    /// schema's `status` property, with paths under `status` — apiextensions-apiserver's
    /// `ValidateStatusUpdate` uses a status-only validator, so a stored spec the CRD's current
    /// schema would reject does not block status writes.
    public func validateStatus(_ object: JSONValue) -> [FieldError] {
        guard let status = object["status"], let schema = root["properties"]?["status"] else { return [] }
        var errs: [FieldError] = []
        Self.check(status, schema: schema, path: "status", errs: &errs)
        return errs
    }

    static func join(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

    /// How kube-openapi spells a path inside a message: the root is `body`.
    static func inBody(_ path: String) -> String { (path.isEmpty ? "body" : path) + " in body" }

    static func check(_ value: JSONValue, schema: JSONValue, path: String, errs: inout [FieldError]) {
        guard case .object = schema else { return }
        if value.isNull {
            if schema["nullable"] != true, let type = schema["type"]?.stringValue {
                errs.append(FieldError(.typeInvalid, field: path, value: "null", detail: "\(inBody(path)) must be of type \(type): \"null\""))
            }
            return
        }
        if let type = schema["type"]?.stringValue, schema["x-kubernetes-int-or-string"] != true, !matchesType(value, type) {
            errs.append(FieldError(.typeInvalid, field: path, value: .string(value.typeName), detail: "\(inBody(path)) must be of type \(type): \"\(value.typeName)\""))
            return
        }
        if schema["x-kubernetes-int-or-string"] == true, value.intValue == nil, value.stringValue == nil {
            errs.append(FieldError(.typeInvalid, field: path, value: .string(value.typeName), detail: "\(inBody(path)) must be of type integer,string: \"\(value.typeName)\""))
            return
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(where: { JSONPatch.deepEqual($0, value) }) {
            let list = allowed.map { $0.jsonString() }.joined(separator: ", ")
            errs.append(FieldError(.notSupported, field: path, value: value, detail: "supported values: " + list))
        }
        switch value {
        case .string(let s): checkString(s, schema: schema, path: path, errs: &errs)
        case .int, .double: checkNumber(value, schema: schema, path: path, errs: &errs)
        case .array(let items): checkArray(items, schema: schema, path: path, errs: &errs)
        case .object(let fields): checkObject(fields, schema: schema, path: path, errs: &errs)
        default: break
        }
    }

    static func matchesType(_ value: JSONValue, _ type: String) -> Bool {
        switch type {
        case "integer": return value.intValue != nil
        case "number": return value.doubleValue != nil
        case "string": return value.stringValue != nil
        case "boolean": return value.boolValue != nil
        case "array": return value.arrayValue != nil
        case "object": return value.objectValue != nil
        default: return true
        }
    }

    static func checkString(_ s: String, schema: JSONValue, path: String, errs: inout [FieldError]) {
        let length = s.count
        if let max = schema["maxLength"]?.intValue, length > max {
            errs.append(FieldError(.tooLong, field: path, value: .string(s), detail: "may not be more than \(max) bytes"))
        }
        if let min = schema["minLength"]?.intValue, length < min {
            errs.append(FieldError(.invalid, field: path, value: .string(s), detail: "\(inBody(path)) should be at least \(min) chars long"))
        }
        if let pattern = schema["pattern"]?.stringValue, !SchemaPatterns.matches(s, pattern) {
            errs.append(FieldError(.invalid, field: path, value: .string(s), detail: "\(inBody(path)) should match '\(pattern)'"))
        }
    }

    static func checkNumber(_ v: JSONValue, schema: JSONValue, path: String, errs: inout [FieldError]) {
        guard let x = v.doubleValue else { return }
        if let min = schema["minimum"], let m = min.doubleValue {
            let exclusive = schema["exclusiveMinimum"] == true
            if exclusive ? x <= m : x < m {
                errs.append(FieldError(.invalid, field: path, value: v, detail: "\(inBody(path)) should be greater than \(exclusive ? "" : "or equal to ")\(render(min))"))
            }
        }
        if let max = schema["maximum"], let m = max.doubleValue {
            let exclusive = schema["exclusiveMaximum"] == true
            if exclusive ? x >= m : x > m {
                errs.append(FieldError(.invalid, field: path, value: v, detail: "\(inBody(path)) should be less than \(exclusive ? "" : "or equal to ")\(render(max))"))
            }
        }
        if let multiple = schema["multipleOf"]?.doubleValue, multiple != 0, (x / multiple).rounded() != x / multiple {
            errs.append(FieldError(.invalid, field: path, value: v, detail: "\(inBody(path)) should be a multiple of \(render(schema["multipleOf"]!))"))
        }
    }

    static func render(_ v: JSONValue) -> String { v.intValue.map(String.init) ?? v.jsonString() }

    static func checkArray(_ items: [JSONValue], schema: JSONValue, path: String, errs: inout [FieldError]) {
        if let max = schema["maxItems"]?.intValue, items.count > max {
            errs.append(FieldError(.tooMany, field: path, value: .int(Int64(items.count)), detail: "must have at most \(max) items"))
        }
        if let min = schema["minItems"]?.intValue, items.count < min {
            errs.append(FieldError(.invalid, field: path, value: .int(Int64(items.count)), detail: "\(inBody(path)) should have at least \(min) items"))
        }
        let listType = schema["x-kubernetes-list-type"]?.stringValue
        if schema["uniqueItems"] == true || listType == "set" {
            var seen: [JSONValue] = []
            for (i, item) in items.enumerated() {
                if seen.contains(where: { JSONPatch.deepEqual($0, item) }) {
                    errs.append(FieldError(.duplicate, field: "\(path)[\(i)]", value: item))
                } else {
                    seen.append(item)
                }
            }
        }
        if listType == "map" {
            let keys = (schema["x-kubernetes-list-map-keys"]?.arrayValue ?? []).compactMap(\.stringValue)
            var seen = Set<JSONValue>()
            for (i, item) in items.enumerated() {
                var key: [String: JSONValue] = [:]
                for k in keys { if let v = item[k] ?? schema[path: ["items", "properties", k, "default"]] { key[k] = v } }
                if !seen.insert(.object(key)).inserted {
                    errs.append(FieldError(.duplicate, field: "\(path)[\(i)]", value: .object(key)))
                }
            }
        }
        if let itemSchema = schema["items"] {
            for (i, item) in items.enumerated() { check(item, schema: itemSchema, path: "\(path)[\(i)]", errs: &errs) }
        }
    }

    static func checkObject(_ fields: [String: JSONValue], schema: JSONValue, path: String, errs: inout [FieldError]) {
        if let max = schema["maxProperties"]?.intValue, fields.count > max {
            errs.append(FieldError(.tooMany, field: path, value: .int(Int64(fields.count)), detail: "must have at most \(max) items"))
        }
        if let min = schema["minProperties"]?.intValue, fields.count < min {
            errs.append(FieldError(.invalid, field: path, value: .int(Int64(fields.count)), detail: "\(inBody(path)) should have at least \(min) properties"))
        }
        for req in (schema["required"]?.arrayValue ?? []).compactMap(\.stringValue) where fields[req] == nil {
            errs.append(FieldError(.required, field: join(path, req)))
        }
        let properties = schema["properties"]?.objectValue ?? [:]
        let additional = schema["additionalProperties"]
        for key in fields.keys.sorted() {
            if let propSchema = properties[key] {
                check(fields[key]!, schema: propSchema, path: join(path, key), errs: &errs)
            } else if let additional, case .object = additional {
                check(fields[key]!, schema: additional, path: join(path, key), errs: &errs)
            }
        }
    }
}

/// The `pattern`s of CRD schemas, compiled once each: a custom resource's every write is
/// validated in full, and compiling the same expressions for every string was most of it.
/// Unanchored, as OpenAPI's `pattern` is (the schema's own `^…$` anchors it).
enum SchemaPatterns {
    final class Compiled: @unchecked Sendable {
        /// Immutable after init; `NSRegularExpression` may be used from several threads at once.
        let regex: NSRegularExpression?
        init(_ pattern: String) { regex = try? NSRegularExpression(pattern: pattern) }
    }
    /// Distinct patterns kept; CRDs declare a handful each, so this only bounds a pathological set.
    static let capacity = 1024
    private static let cache = Mutex<[String: Compiled]>([:])

    static func matches(_ s: String, _ pattern: String) -> Bool {
        let compiled = cache.withLock { c -> Compiled in
            if let hit = c[pattern] { return hit }
            if c.count >= capacity { c.removeAll() }
            let new = Compiled(pattern)
            c[pattern] = new
            return new
        }
        // A pattern that does not compile matches nothing (as `range(of:options:.regularExpression)` did).
        guard let regex = compiled.regex else { return false }
        return regex.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil
    }
}

import KubeModel

/// One YAML document read as a DynamoDeployment: a custom resource, or an IR document
/// converted to one. `errors` holds every decoding and validation problem found.
public struct LoadedDocument: Sendable {
    public enum Source: String, Sendable { case resource, ir }
    /// Position of the document in its file, from 0.
    public var index: Int
    public var source: Source
    public var deployment: DynamoDeployment?
    public var errors: [ValidationError]

    /// `DynamoDeployment/<name>` (or `document <n>` when unnamed), for messages.
    public var label: String {
        if let n = deployment?.metadata.name, !n.isEmpty {
            return source == .ir ? "IR \(n)" : "\(DynamoDeployment.kind)/\(n)"
        }
        return "document \(index + 1)"
    }
}

/// Reads DynamoDeployments from YAML text (multi-document; custom resources and IR both).
public enum DeploymentLoader {
    static let topKeys: Set<String> = ["apiVersion", "kind", "metadata", "spec", "status"]
    static let specKeys: Set<String> = ["components", "entrypoints", "env", "secretName", "version"]
    static let componentKeys: Set<String> = ["name", "image", "command", "args", "replicas", "ports", "resources", "env", "secrets",
                                             "dependsOn", "autoscaling", "sidecar", "sharedMemory", "podTemplate"]

    static let portKeys: Set<String> = ["name", "port", "protocol"]
    static let resourcesKeys: Set<String> = ["requests", "limits"]
    static let autoscalingKeys: Set<String> = ["minReplicas", "maxReplicas", "targetCPUUtilizationPercentage"]

    /// Throws only when the text is not YAML; everything else is reported per document.
    public static func load(yaml: String) throws -> [LoadedDocument] {
        try DocumentParser.parseDocuments(yaml).enumerated().map { load(json: $1, index: $0) }
    }

    public static func load(json v: JSONValue, index: Int = 0) -> LoadedDocument {
        let isResource = v["apiVersion"] != nil || v["kind"] != nil
        if !isResource, v["components"] != nil {
            do {
                let dd = IRConverter.convert(try IRParser.parse(v))
                return LoadedDocument(index: index, source: .ir, deployment: dd, errors: Validator.validate(dd))
            } catch let f as ValidationFailure {
                return LoadedDocument(index: index, source: .ir, deployment: nil, errors: f.errors)
            } catch {
                return LoadedDocument(index: index, source: .ir, deployment: nil, errors: [ValidationError(path: "", reason: "\(error)")])
            }
        }
        var errors = unknownFields(v)
        do {
            let dd = try v.decode(as: DynamoDeployment.self)
            errors += Validator.validate(dd)
            if v["apiVersion"] == nil { errors.insert(ValidationError(path: "apiVersion", reason: "Required value"), at: 0) }
            if v["kind"] == nil { errors.insert(ValidationError(path: "kind", reason: "Required value"), at: 0) }
            if v["spec"] == nil { errors.append(ValidationError(path: "spec", reason: "Required value")) }
            return LoadedDocument(index: index, source: .resource, deployment: dd, errors: errors)
        } catch let e as DecodingError {
            errors.append(decodingError(e))
            var partial: DynamoDeployment? = nil
            if let meta = try? v["metadata"]?.decode(as: ObjectMeta.self) {
                partial = DynamoDeployment(metadata: meta, spec: DynamoDeploymentSpec(components: []))
            }
            return LoadedDocument(index: index, source: .resource, deployment: partial, errors: errors)
        } catch {
            return LoadedDocument(index: index, source: .resource, deployment: nil, errors: errors + [ValidationError(path: "", reason: "\(error)")])
        }
    }

    /// Fields the schema does not know (the API server would prune them; kubectl's strict
    /// field validation refuses them).
    static func unknownFields(_ v: JSONValue) -> [ValidationError] {
        var out: [ValidationError] = []
        func check(_ o: JSONValue?, _ known: Set<String>, _ path: String) {
            guard let o = o?.objectValue else { return }
            for k in o.keys.sorted() where !known.contains(k) {
                out.append(ValidationError(path: path.isEmpty ? k : "\(path).\(k)", reason: "unknown field"))
            }
        }
        check(v, topKeys, "")
        check(v["spec"], specKeys, "spec")
        for (i, c) in (v["spec"]?["components"]?.arrayValue ?? []).enumerated() {
            let p = "spec.components[\(i)]"
            check(c, componentKeys, p)
            check(c["resources"], resourcesKeys, "\(p).resources")
            check(c["autoscaling"], autoscalingKeys, "\(p).autoscaling")
            for (j, port) in (c["ports"]?.arrayValue ?? []).enumerated() { check(port, portKeys, "\(p).ports[\(j)]") }
        }
        return out
    }

    static func decodingError(_ e: DecodingError) -> ValidationError {
        func path(_ keys: [CodingKey]) -> String {
            var s = ""
            for k in keys {
                if let i = k.intValue { s += "[\(i)]" } else { s += s.isEmpty ? k.stringValue : ".\(k.stringValue)" }
            }
            return s
        }
        switch e {
        case .typeMismatch(let t, let ctx):
            return ValidationError(path: path(ctx.codingPath), reason: "Invalid value: must be of type \(typeName(t))")
        case .valueNotFound(let t, let ctx):
            return ValidationError(path: path(ctx.codingPath), reason: "Required value of type \(typeName(t))")
        case .keyNotFound(let k, let ctx):
            return ValidationError(path: path(ctx.codingPath + [k]), reason: "Required value")
        case .dataCorrupted(let ctx):
            return ValidationError(path: path(ctx.codingPath), reason: ctx.debugDescription)
        @unknown default:
            return ValidationError(path: "", reason: "\(e)")
        }
    }

    static func typeName(_ t: Any.Type) -> String {
        switch t {
        case is String.Type: return "string"
        case is Int.Type, is Int64.Type: return "integer"
        case is Bool.Type: return "boolean"
        case is Array<Any>.Type: return "array"
        default:
            let n = "\(t)"
            if n.hasPrefix("Array") { return "array" }
            if n.hasPrefix("Dictionary") { return "object" }
            return n == "Double" ? "number" : "object"
        }
    }
}

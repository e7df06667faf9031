import KubeModel

/// Reads an IR document from its JSON form, reporting every malformed field with its path.
public enum IRParser {
    /// Keys starting with `x-` are ignored (a home for YAML anchors, as in Compose files).
    public static let extensionPrefix = "x-"

    public static func parse(_ v: JSONValue) throws -> IRDocument {
        var errs = Collector()
        guard let top = v.objectValue else { throw ValidationFailure(errors: [ValidationError(path: "", reason: "an IR document must be a mapping")]) }
        let known: Set<String> = ["version", "name", "namespace", "secretName", "components"]
        for k in top.keys.sorted() where !known.contains(k) && !k.hasPrefix(extensionPrefix) { errs.add(k, "unknown field") }
        let name = scalarString(top["name"], "name", &errs) ?? ""
        if name.isEmpty { errs.add("name", "Required value") }
        var components: [IRComponent] = []
        if let list = top["components"]?.arrayValue {
            for (i, c) in list.enumerated() { components.append(component(c, path: "components[\(i)]", &errs)) }
        } else {
            errs.add("components", top["components"] == nil ? "Required value" : "must be a list")
        }
        let doc = IRDocument(version: scalarString(top["version"], "version", &errs), name: name,
                             namespace: scalarString(top["namespace"], "namespace", &errs),
                             secretName: scalarString(top["secretName"], "secretName", &errs), components: components)
        if !errs.errors.isEmpty { throw ValidationFailure(errors: errs.errors) }
        return doc
    }

    static func component(_ v: JSONValue, path p: String, _ errs: inout Collector) -> IRComponent {
        guard let o = v.objectValue else {
            errs.add(p, "must be a mapping")
            return IRComponent(name: "", image: "")
        }
        let known: Set<String> = ["name", "image", "cmd", "parameters", "resources", "replicas", "environment", "secrets", "dependencies", "ports"]
        for k in o.keys.sorted() where !known.contains(k) && !k.hasPrefix(extensionPrefix) { errs.add("\(p).\(k)", "unknown field") }
        var c = IRComponent(name: scalarString(o["name"], "\(p).name", &errs) ?? "", image: scalarString(o["image"], "\(p).image", &errs) ?? "")
        if let cmd = o["cmd"] {
            if let s = cmd.stringValue {
                do { c.cmd = try ShellWords.split(s) } catch { errs.add("\(p).cmd", "\(error)") }
            } else {
                c.cmd = stringList(cmd, "\(p).cmd", &errs)
            }
        }
        if let params = o["parameters"] {
            if let m = params.objectValue {
                c.parameters = m.keys.sorted().flatMap { k -> [String] in
                    let flag = k.hasPrefix("-") ? k : "--\(k)"
                    switch m[k]! {
                    case .bool(true): return [flag]
                    case .bool(false), .null: return []
                    case .array(let a): return a.flatMap { [flag, scalarText($0) ?? ""] }
                    case let x: return [flag, scalarText(x) ?? ""]
                    }
                }
            } else if let s = params.stringValue {
                do { c.parameters = try ShellWords.split(s) } catch { errs.add("\(p).parameters", "\(error)") }
            } else {
                c.parameters = stringList(params, "\(p).parameters", &errs)
            }
        }
        if let r = o["resources"] {
            if let m = r.objectValue {
                var out: [String: Quantity] = [:]
                for (k, x) in m {
                    if let t = scalarText(x) { out[k] = Quantity(t) } else { errs.add("\(p).resources.\(k)", "must be a quantity") }
                }
                c.resources = out
            } else {
                errs.add("\(p).resources", "must be a mapping of cpu, memory, gpu")
            }
        }
        if let r = o["replicas"] {
            if let i = r.intValue { c.replicas = Int(i) } else { errs.add("\(p).replicas", "must be an integer") }
        }
        if let e = o["environment"] {
            if let m = e.objectValue {
                var out: [String: String] = [:]
                for (k, x) in m {
                    if let t = scalarText(x) { out[k] = t } else { errs.add("\(p).environment.\(k)", "must be a scalar") }
                }
                c.environment = out
            } else {
                errs.add("\(p).environment", "must be a mapping")
            }
        }
        if let s = o["secrets"] { c.secrets = stringList(s, "\(p).secrets", &errs) }
        if let d = o["dependencies"] { c.dependencies = stringList(d, "\(p).dependencies", &errs) }
        if let ports = o["ports"] {
            if let list = ports.arrayValue {
                c.ports = list.enumerated().compactMap { j, x -> ComponentPort? in
                    if let n = x.intValue { return ComponentPort(name: j == 0 ? "http" : "port-\(j)", port: Int(n)) }
                    if x.objectValue != nil, let port = try? x.decode(as: ComponentPort.self) {
                        return port.name.isEmpty ? ComponentPort(name: j == 0 ? "http" : "port-\(j)", port: port.port, protocol: port.protocol) : port
                    }
                    errs.add("\(p).ports[\(j)]", "must be a port number or {name, port, protocol}")
                    return nil
                }
            } else {
                errs.add("\(p).ports", "must be a list")
            }
        }
        return c
    }

    static func scalarText(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return Quantity.format(d)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }

    static func scalarString(_ v: JSONValue?, _ path: String, _ errs: inout Collector) -> String? {
        guard let v, !v.isNull else { return nil }
        if let s = scalarText(v), v.boolValue == nil { return s }
        errs.add(path, "must be a string")
        return nil
    }

    static func stringList(_ v: JSONValue, _ path: String, _ errs: inout Collector) -> [String]? {
        guard let a = v.arrayValue else {
            errs.add(path, "must be a list of strings")
            return nil
        }
        return a.enumerated().compactMap { j, x in
            if let s = scalarText(x) { return s }
            errs.add("\(path)[\(j)]", "must be a string")
            return nil
        }
    }
}

import KubeModel

/// Validates a DynamoDeployment against everything the CRD schema and its CEL rules enforce,
/// plus what CEL cannot express (dependency cycles, duplicate env names, limits below requests).
/// Every problem is returned, not only the first.
public enum Validator {
    public static func validate(_ dd: DynamoDeployment) -> [ValidationError] {
        var v = Collector()
        if let a = dd.apiVersion, a != DynamoDeployment.apiVersion {
            v.add("apiVersion", "must be \(DynamoDeployment.apiVersion), not \(a)")
        }
        if let k = dd.kind, k != DynamoDeployment.kind { v.add("kind", "must be \(DynamoDeployment.kind), not \(k)") }
        let name = dd.metadata.name ?? ""
        if name.isEmpty {
            v.add("metadata.name", "Required value")
        } else if !Patterns.isDNS1035Label(name) {
            v.add("metadata.name", "must be a DNS-1035 label (lower-case letters, digits and '-', starting with a letter), because it prefixes Service names")
        }
        validateSpec(dd.spec, deploymentName: name, into: &v)
        return v.errors
    }

    /// Throws `ValidationFailure` with every problem when the object is invalid.
    public static func check(_ dd: DynamoDeployment) throws {
        let errors = validate(dd)
        if !errors.isEmpty { throw ValidationFailure(errors: errors) }
    }

    static func validateSpec(_ spec: DynamoDeploymentSpec, deploymentName: String, into v: inout Collector) {
        let comps = spec.components
        if comps.isEmpty { v.add("spec.components", "Required value: at least one component") }
        if comps.count > APILimits.maxComponents {
            v.add("spec.components", "Too many: \(comps.count): must have at most \(APILimits.maxComponents) items")
        }
        let known = Set(comps.map(\.name))
        var firstIndex: [String: Int] = [:]
        for (i, c) in comps.enumerated() {
            let p = "spec.components[\(i)]"
            if let j = firstIndex[c.name], !c.name.isEmpty {
                v.add("\(p).name", "Duplicate value: \"\(c.name)\" (also spec.components[\(j)])")
            } else {
                firstIndex[c.name] = i
            }
            validateComponent(c, path: p, known: known, into: &v)
            if !deploymentName.isEmpty, !c.name.isEmpty,
               deploymentName.count + 1 + c.name.count > APILimits.maxChildNameLength {
                v.add("\(p).name", "child name \"\(deploymentName)-\(c.name)\" is \(deploymentName.count + 1 + c.name.count) characters; metadata.name + 1 + component name must be at most \(APILimits.maxChildNameLength)")
            }
        }
        for (i, e) in (spec.entrypoints ?? []).enumerated() where !known.contains(e) {
            v.add("spec.entrypoints[\(i)]", "component \"\(e)\" does not exist")
        }
        if let eps = spec.entrypoints {
            v.count("spec.entrypoints", eps.count, APILimits.maxEntrypoints)
            v.unique("spec.entrypoints", eps)
        }
        validateEnv(spec.env, path: "spec.env", into: &v)
        if let s = spec.secretName {
            if s.isEmpty || s.count > APILimits.maxSecretNameLength || !Patterns.isDNS1123Subdomain(s) {
                v.add("spec.secretName", "must be a DNS-1123 subdomain of at most \(APILimits.maxSecretNameLength) characters")
            }
        } else {
            let envRefs = (spec.env ?? [:]).values.contains(where: SecretReference.isExpression)
            for (i, c) in comps.enumerated() {
                if !(c.secrets ?? []).isEmpty {
                    v.add("spec.components[\(i)].secrets", "requires spec.secretName to be set")
                }
                if (c.env ?? [:]).values.contains(where: SecretReference.isExpression) {
                    v.add("spec.components[\(i)].env", "uses ${{ secrets.… }} and requires spec.secretName to be set")
                }
            }
            if envRefs { v.add("spec.env", "uses ${{ secrets.… }} and requires spec.secretName to be set") }
        }
        if let ver = spec.version, ver.count > APILimits.maxVersionLength {
            v.add("spec.version", "Too long: must have at most \(APILimits.maxVersionLength) characters")
        }
        for cycle in ComponentGraph(spec: spec).cycles {
            v.add("spec.components", "dependency cycle: " + cycle.joined(separator: " -> "))
        }
    }

    static func validateComponent(_ c: Component, path p: String, known: Set<String>, into v: inout Collector) {
        if c.name.isEmpty {
            v.add("\(p).name", "Required value")
        } else if c.name.count > APILimits.maxComponentNameLength || !Patterns.isDNS1035Label(c.name) {
            v.add("\(p).name", "\"\(c.name)\" must be a DNS-1035 label of at most \(APILimits.maxComponentNameLength) characters (lower-case letters, digits and '-', starting with a letter)")
        }
        if c.image.isEmpty { v.add("\(p).image", "Required value") }
        if c.image.count > APILimits.maxImageLength { v.add("\(p).image", "Too long: must have at most \(APILimits.maxImageLength) characters") }
        for (field, list) in [("command", c.command), ("args", c.args)] {
            guard let list else { continue }
            v.count("\(p).\(field)", list.count, APILimits.maxArgs)
            for (j, a) in list.enumerated() where a.count > APILimits.maxArgLength {
                v.add("\(p).\(field)[\(j)]", "Too long: must have at most \(APILimits.maxArgLength) characters")
            }
        }
        if let r = c.replicas, r < 0 { v.add("\(p).replicas", "Invalid value: \(r): must be greater than or equal to 0") }
        validatePorts(c.ports ?? [], path: "\(p).ports", into: &v)
        validateResources(c.resources, path: "\(p).resources", into: &v)
        validateEnv(c.env, path: "\(p).env", into: &v)
        if let secrets = c.secrets {
            v.count("\(p).secrets", secrets.count, APILimits.maxSecrets)
            v.unique("\(p).secrets", secrets)
            for (j, s) in secrets.enumerated() {
                if !Patterns.isEnvVarName(s) || !Patterns.isSecretKey(s) {
                    v.add("\(p).secrets[\(j)]", "\"\(s)\" must be both a secret key and an environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)")
                }
                if c.env?[s] != nil {
                    v.add("\(p).secrets[\(j)]", "\"\(s)\" is also set in env; set it in one place")
                }
            }
        }
        if let deps = c.dependsOn {
            v.count("\(p).dependsOn", deps.count, APILimits.maxDependsOn)
            v.unique("\(p).dependsOn", deps)
            for (j, d) in deps.enumerated() {
                if d == c.name && !d.isEmpty {
                    v.add("\(p).dependsOn[\(j)]", "a component cannot depend on itself")
                } else if !known.contains(d) {
                    v.add("\(p).dependsOn[\(j)]", "component \"\(d)\" does not exist")
                }
            }
        }
        if let a = c.autoscaling {
            let ap = "\(p).autoscaling"
            if let mn = a.minReplicas, mn < 1 { v.add("\(ap).minReplicas", "Invalid value: \(mn): must be greater than or equal to 1") }
            if a.maxReplicas < 1 || a.maxReplicas > APILimits.maxHPAReplicas {
                v.add("\(ap).maxReplicas", "Invalid value: \(a.maxReplicas): must be between 1 and \(APILimits.maxHPAReplicas)")
            }
            if let mn = a.minReplicas, mn > a.maxReplicas {
                v.add("\(ap)", "minReplicas (\(mn)) must be less than or equal to maxReplicas (\(a.maxReplicas))")
            }
            if let t = a.targetCPUUtilizationPercentage, t < 1 || t > 100 {
                v.add("\(ap).targetCPUUtilizationPercentage", "Invalid value: \(t): must be between 1 and 100")
            }
        }
        if let shm = c.sharedMemory { validateQuantity(shm, path: "\(p).sharedMemory", into: &v) }
        if let t = c.podTemplate, t.objectValue == nil {
            v.add("\(p).podTemplate", "must be an object (a partial PodTemplateSpec), not \(t.typeName)")
        }
    }

    static func validatePorts(_ ports: [ComponentPort], path: String, into v: inout Collector) {
        v.count(path, ports.count, APILimits.maxPorts)
        var names: Set<String> = [], numbers: Set<String> = []
        for (j, port) in ports.enumerated() {
            let pp = "\(path)[\(j)]"
            if port.name.isEmpty {
                v.add("\(pp).name", "Required value")
            } else if port.name.count > APILimits.maxPortNameLength || !Patterns.isDNS1035Label(port.name) {
                v.add("\(pp).name", "\"\(port.name)\" must be a DNS-1035 label of at most \(APILimits.maxPortNameLength) characters")
            }
            if !names.insert(port.name).inserted, !port.name.isEmpty { v.add("\(pp).name", "Duplicate value: \"\(port.name)\"") }
            if port.port < 1 || port.port > 65535 { v.add("\(pp).port", "Invalid value: \(port.port): must be between 1 and 65535") }
            let proto = port.protocol ?? Defaults.portProtocol
            if !APILimits.protocols.contains(proto) {
                v.add("\(pp).protocol", "Unsupported value: \"\(proto)\": supported values: \"TCP\", \"UDP\", \"SCTP\"")
            }
            if !numbers.insert("\(port.port)/\(proto)").inserted { v.add("\(pp).port", "Duplicate value: \(port.port)/\(proto)") }
        }
    }

    static func validateResources(_ r: ComponentResources?, path: String, into v: inout Collector) {
        guard let r else { return }
        for (field, map) in [("requests", r.requests), ("limits", r.limits)] {
            guard let map else { continue }
            v.count("\(path).\(field)", map.count, APILimits.maxResourceKeys)
            for key in map.keys.sorted() {
                if key.count > APILimits.maxKeyLength || !Patterns.isResourceName(key) {
                    v.add("\(path).\(field)[\(key)]", "\"\(key)\" is not a valid resource name")
                }
                validateQuantity(map[key]!, path: "\(path).\(field)[\(key)]", into: &v)
            }
        }
        for key in (r.requests ?? [:]).keys.sorted() {
            guard let req = r.requests?[key]?.parsed, let lim = r.limits?[ResourceNames.canonicalKey(key)]?.parsed ?? r.limits?[key]?.parsed,
                  let cmp = ParsedQuantity.compare(req, lim), cmp > 0 else { continue }
            v.add("\(path).requests[\(key)]", "must be less than or equal to the \(key) limit")
        }
    }

    static func validateQuantity(_ q: Quantity, path: String, into v: inout Collector) {
        guard let parsed = q.parsed, Patterns.isQuantity(q.text) else {
            v.add(path, "Invalid value: \"\(q.text)\": must be a Kubernetes quantity such as 500m, 2, 16Gi")
            return
        }
        if parsed.negative { v.add(path, "Invalid value: \"\(q.text)\": must be greater than or equal to 0") }
    }

    static func validateEnv(_ env: [String: String]?, path: String, into v: inout Collector) {
        guard let env else { return }
        v.count(path, env.count, APILimits.maxEnv)
        for key in env.keys.sorted() {
            let value = env[key]!
            if !Patterns.isEnvVarName(key) {
                v.add("\(path)[\(key)]", "\"\(key)\" is not a valid environment variable name ([-._a-zA-Z][-._a-zA-Z0-9]*)")
            }
            if value.count > APILimits.maxEnvValueLength {
                v.add("\(path)[\(key)]", "Too long: must have at most \(APILimits.maxEnvValueLength) characters")
            }
            if SecretReference.isExpression(value), SecretReference.key(in: value) == nil {
                v.add("\(path)[\(key)]", "\"\(value)\": the only supported expression is ${{ secrets.KEY }} as the whole value")
            }
        }
    }
}

/// Accumulates errors in the order found.
struct Collector {
    var errors: [ValidationError] = []
    mutating func add(_ path: String, _ reason: String) { errors.append(ValidationError(path: path, reason: reason)) }
    mutating func count(_ path: String, _ n: Int, _ max: Int) {
        if n > max { add(path, "Too many: \(n): must have at most \(max) items") }
    }
    mutating func unique(_ path: String, _ items: [String]) {
        var seen: Set<String> = []
        for (i, x) in items.enumerated() where !seen.insert(x).inserted { add("\(path)[\(i)]", "Duplicate value: \"\(x)\"") }
    }
}

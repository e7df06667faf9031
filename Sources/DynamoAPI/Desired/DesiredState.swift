import KubeModel

/// The children a DynamoDeployment should have, as pure functions of the object.
///
/// Guarantees: only deployed components (see `ComponentGraph.deployed`) get children; children
/// are listed in topological order of their components (Deployment, then Service, then HPA);
/// the same input gives byte-identical JSON. An `ownerReferences` entry is included when the
/// object has a uid (objects read from a cluster); offline renders omit it.
public enum DesiredState {
    public static let sharedMemoryVolume = "dshm"
    public static let sharedMemoryPath = "/dev/shm"
    public static let mainContainer = "main"

    /// All children of the object, validating it first.
    public static func children(of dd: DynamoDeployment) throws -> [DesiredChild] {
        let errors = Validator.validate(dd)
        if !errors.isEmpty { throw DesiredStateError.invalid(ValidationFailure(errors: errors)) }
        return try children(ofValidated: dd)
    }

    /// All children of an object the caller has already found valid (`Validator.validate`
    /// returned no error for this very spec); an invalid one gives unspecified children.
    public static func children(ofValidated dd: DynamoDeployment) throws -> [DesiredChild] {
        guard let name = dd.metadata.name, !name.isEmpty else { throw DesiredStateError.missingName }
        guard let namespace = dd.metadata.namespace, !namespace.isEmpty else { throw DesiredStateError.missingNamespace }
        let spec = dd.spec.withDefaults()
        let graph = ComponentGraph(spec: spec)
        let deployed = Set(graph.deployed)
        let order = (graph.topologicalOrder ?? graph.names).filter(deployed.contains)
        var out: [DesiredChild] = []
        for componentName in order {
            guard let c = spec.component(named: componentName) else { continue }
            out += children(for: c, deployment: name, namespace: namespace, spec: spec, owner: dd.controllerReference)
        }
        return out
    }

    /// The children of one (defaulted) component.
    public static func children(for c: Component, deployment: String, namespace: String, spec: DynamoDeploymentSpec,
                                owner: OwnerReference?) -> [DesiredChild] {
        let childName = Labels.childName(deployment: deployment, component: c.name)
        let labels = Labels.labels(deployment: deployment, component: c.name)
        var metadata: JSONValue = ["name": .string(childName), "namespace": .string(namespace), "labels": json(labels)]
        if let owner {
            metadata["ownerReferences"] = [[
                "apiVersion": .string(owner.apiVersion), "kind": .string(owner.kind), "name": .string(owner.name),
                "uid": .string(owner.uid), "controller": true, "blockOwnerDeletion": true,
            ]]
        }
        var result: [DesiredChild] = []
        result.append(DesiredChild(summary: ChildSummary(kind: .deployment, name: childName, component: c.name),
                                   object: deploymentObject(c, metadata: metadata, deployment: deployment, namespace: namespace, spec: spec)))
        if let ports = c.ports, !ports.isEmpty {
            let service: JSONValue = [
                "apiVersion": "v1", "kind": "Service", "metadata": metadata,
                "spec": [
                    "type": "ClusterIP",
                    "selector": json(Labels.selector(deployment: deployment, component: c.name)),
                    "ports": .array(ports.map { p in
                        ["name": .string(p.name), "port": .int(Int64(p.port)), "targetPort": .int(Int64(p.port)),
                         "protocol": .string(p.protocol ?? Defaults.portProtocol)]
                    }),
                ],
            ]
            result.append(DesiredChild(summary: ChildSummary(kind: .service, name: childName, component: c.name), object: service))
        }
        if let a = c.autoscaling {
            let hpa: JSONValue = [
                "apiVersion": "autoscaling/v2", "kind": "HorizontalPodAutoscaler", "metadata": metadata,
                "spec": [
                    "scaleTargetRef": ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(childName)],
                    "minReplicas": .int(Int64(a.minReplicas ?? Defaults.minReplicas)),
                    "maxReplicas": .int(Int64(a.maxReplicas)),
                    "metrics": [[
                        "type": "Resource",
                        "resource": ["name": "cpu", "target": [
                            "type": "Utilization",
                            "averageUtilization": .int(Int64(a.targetCPUUtilizationPercentage ?? Defaults.targetCPUUtilizationPercentage)),
                        ]],
                    ]],
                ],
            ]
            result.append(DesiredChild(summary: ChildSummary(kind: .horizontalPodAutoscaler, name: childName, component: c.name), object: hpa))
        }
        return result
    }

    static func deploymentObject(_ c: Component, metadata: JSONValue, deployment: String, namespace: String,
                                 spec: DynamoDeploymentSpec) -> JSONValue {
        let labels = Labels.labels(deployment: deployment, component: c.name)
        var container: JSONValue = ["name": .string(mainContainer), "image": .string(c.image)]
        if let cmd = c.command, !cmd.isEmpty { container["command"] = .array(cmd.map(JSONValue.string)) }
        if let args = c.args, !args.isEmpty { container["args"] = .array(args.map(JSONValue.string)) }
        if let ports = c.ports, !ports.isEmpty {
            container["ports"] = .array(ports.map { p in
                ["name": .string(p.name), "containerPort": .int(Int64(p.port)), "protocol": .string(p.protocol ?? Defaults.portProtocol)]
            })
        }
        if let r = ContainerResources.build(c.resources) { container["resources"] = r }
        container["env"] = .array(ContainerEnv.build(deployment: deployment, namespace: namespace, component: c, spec: spec))
        var podSpec: JSONValue = ["containers": [container]]
        if let shm = c.sharedMemory {
            container["volumeMounts"] = [["name": .string(sharedMemoryVolume), "mountPath": .string(sharedMemoryPath)]]
            podSpec["containers"] = [container]
            podSpec["volumes"] = [["name": .string(sharedMemoryVolume),
                                   "emptyDir": ["medium": "Memory", "sizeLimit": .string(shm.canonical)]]]
        }
        let generated: JSONValue = ["metadata": ["labels": json(labels)], "spec": podSpec]
        var template = PodTemplateMerge.merge(user: canonicalised(c.podTemplate), generated: generated)
        // Quantities a user wrote inside podTemplate are canonicalised too, so live and desired match.
        template = canonicalised(template) ?? template
        var depSpec: JSONValue = [
            "selector": ["matchLabels": json(Labels.selector(deployment: deployment, component: c.name))],
            "template": template,
        ]
        if c.autoscaling == nil { depSpec["replicas"] = .int(Int64(c.replicas ?? Defaults.replicas)) }
        return ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": metadata, "spec": depSpec]
    }

    /// Canonicalises quantity strings under `resources.requests/limits` and `emptyDir.sizeLimit`.
    static func canonicalised(_ v: JSONValue?) -> JSONValue? {
        guard let v else { return nil }
        return QuantityCanonicaliser.apply(v)
    }

    static func json(_ m: [String: String]) -> JSONValue { .object(m.mapValues(JSONValue.string)) }
}

/// Rewrites quantities inside a pod template into the API server's spelling.
enum QuantityCanonicaliser {
    static let quantityMaps: Set<String> = ["requests", "limits"]
    static func apply(_ v: JSONValue, parent: String? = nil) -> JSONValue {
        switch v {
        case .object(let o):
            var out: [String: JSONValue] = [:]
            for (k, x) in o {
                if quantityMaps.contains(k), parent == "resources", case .object(let m) = x {
                    out[k] = .object(m.mapValues(canonical))
                } else if k == "sizeLimit" {
                    out[k] = canonical(x)
                } else {
                    out[k] = apply(x, parent: k)
                }
            }
            return .object(out)
        case .array(let a): return .array(a.map { apply($0, parent: parent) })
        default: return v
        }
    }

    static func canonical(_ v: JSONValue) -> JSONValue {
        switch v {
        case .string(let s): return .string(Quantity(s).canonical)
        case .int(let i): return .string(Quantity(String(i)).canonical)
        case .double(let d): return .string(Quantity(Quantity.format(d)).canonical)
        default: return v
        }
    }
}

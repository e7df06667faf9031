import KubeModel

/// The environment of a component's `main` container.
///
/// Precedence, lowest first: injected variables (`DYNAMO_DEPLOYMENT`, `DYNAMO_COMPONENT`,
/// `POD_NAMESPACE`, `DYNAMO_<D>_HOST`/`_PORT` per dependency with ports), `spec.env`, the
/// component's `env`, the component's `secrets`. Sorted by name.
public enum ContainerEnv {
    public static func build(deployment: String, namespace: String, component: Component, spec: DynamoDeploymentSpec) -> [JSONValue] {
        var vars: [String: JSONValue] = [:]
        vars["DYNAMO_DEPLOYMENT"] = value(deployment)
        vars["DYNAMO_COMPONENT"] = value(component.name)
        vars["POD_NAMESPACE"] = ["valueFrom": ["fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.namespace"]]]
        for dep in component.dependsOn ?? [] {
            guard let d = spec.component(named: dep), let port = d.ports?.first else { continue }
            let prefix = "DYNAMO_\(variableFragment(dep))"
            vars["\(prefix)_HOST"] = value("\(Labels.childName(deployment: deployment, component: dep)).\(namespace).svc")
            vars["\(prefix)_PORT"] = value(String(port.port))
        }
        let secretName = spec.secretName ?? ""
        for (k, v) in (spec.env ?? [:]).merging(component.env ?? [:], uniquingKeysWith: { _, own in own }) {
            if let key = SecretReference.key(in: v) {
                vars[k] = secretRef(secretName, key)
            } else {
                vars[k] = value(v)
            }
        }
        for key in component.secrets ?? [] { vars[key] = secretRef(secretName, key) }
        return vars.keys.sorted().map { name in
            var entry = vars[name]!
            entry["name"] = .string(name)
            return entry
        }
    }

    /// `prefill-worker` → `PREFILL_WORKER`.
    public static func variableFragment(_ component: String) -> String {
        component.uppercased().replacingOccurrences(of: "-", with: "_")
    }

    private static func value(_ s: String) -> JSONValue { ["value": .string(s)] }
    private static func secretRef(_ secret: String, _ key: String) -> JSONValue {
        ["valueFrom": ["secretKeyRef": ["name": .string(secret), "key": .string(key)]]]
    }
}

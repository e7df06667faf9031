import KubeModel

/// Converts the IR into a DynamoDeployment.
///
/// Mapping: `cmd` → `command`; `parameters` → `args`; `resources.cpu` → CPU request only (no
/// CPU limit, so inference servers are not throttled); `resources.memory` → memory request and
/// limit; `resources.gpu` → `gpu` request and limit; other resource keys → request and limit;
/// `replicas` → `replicas`; `environment` → `env`; `secrets` → `secrets` (and `secretName`
/// defaults to `<name>-secrets` when any component lists secrets); `dependencies` → `dependsOn`;
/// `ports` → `ports`; `version` → `spec.version`; `name`/`namespace` → metadata.
public enum IRConverter {
    public static let cpu = "cpu"

    public static func convert(_ ir: IRDocument) -> DynamoDeployment {
        let comps = ir.components.map(component)
        let usesSecrets = ir.components.contains { !($0.secrets ?? []).isEmpty }
            || ir.components.contains { ($0.environment ?? [:]).values.contains(where: SecretReference.isExpression) }
        let spec = DynamoDeploymentSpec(components: comps, secretName: ir.secretName ?? (usesSecrets ? "\(ir.name)-secrets" : nil),
                                        version: ir.version)
        return DynamoDeployment(metadata: ObjectMeta(name: ir.name, namespace: ir.namespace), spec: spec)
    }

    static func component(_ c: IRComponent) -> Component {
        var out = Component(name: c.name, image: c.image)
        out.command = c.cmd.flatMap { $0.isEmpty ? nil : $0 }
        out.args = c.parameters.flatMap { $0.isEmpty ? nil : $0 }
        out.replicas = c.replicas
        out.env = c.environment.flatMap { $0.isEmpty ? nil : $0 }
        out.secrets = c.secrets.flatMap { $0.isEmpty ? nil : $0 }
        out.dependsOn = c.dependencies.flatMap { $0.isEmpty ? nil : $0 }
        out.ports = c.ports.flatMap { $0.isEmpty ? nil : $0 }
        if let r = c.resources, !r.isEmpty {
            var limits = r
            limits.removeValue(forKey: cpu)
            out.resources = ComponentResources(requests: r, limits: limits.isEmpty ? nil : limits)
        }
        return out
    }
}

import KubeModel

/// One node of the graph: becomes a Deployment, a Service when it has ports, and an HPA when
/// it autoscales, all named `<deployment>-<component>`.
public struct Component: Codable, Sendable, Hashable {
    public var name: String
    public var image: String
    public var command: [String]?
    public var args: [String]?
    /// Defaults to 1 (see `Defaults`); ignored when `autoscaling` is set.
    public var replicas: Int?
    public var ports: [ComponentPort]?
    public var resources: ComponentResources?
    public var env: [String: String]?
    /// Keys of `spec.secretName` exposed as environment variables of the same name.
    public var secrets: [String]?
    public var dependsOn: [String]?
    public var autoscaling: Autoscaling?
    /// Always deployed, even outside the entrypoints' subgraph.
    public var sidecar: Bool?
    /// Size of the in-memory emptyDir mounted at `/dev/shm`.
    public var sharedMemory: Quantity?
    /// A partial PodTemplateSpec merged under the generated one (explicit fields win).
    public var podTemplate: JSONValue?

    public init(name: String, image: String, command: [String]? = nil, args: [String]? = nil, replicas: Int? = nil,
                ports: [ComponentPort]? = nil, resources: ComponentResources? = nil, env: [String: String]? = nil,
                secrets: [String]? = nil, dependsOn: [String]? = nil, autoscaling: Autoscaling? = nil,
                sidecar: Bool? = nil, sharedMemory: Quantity? = nil, podTemplate: JSONValue? = nil) {
        self.name = name
        self.image = image
        self.command = command
        self.args = args
        self.replicas = replicas
        self.ports = ports
        self.resources = resources
        self.env = env
        self.secrets = secrets
        self.dependsOn = dependsOn
        self.autoscaling = autoscaling
        self.sidecar = sidecar
        self.sharedMemory = sharedMemory
        self.podTemplate = podTemplate
    }

    /// Missing `name`/`image` decode as empty so validation can report every problem at once.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        image = try c.decodeIfPresent(String.self, forKey: .image) ?? ""
        command = try c.decodeIfPresent([String].self, forKey: .command)
        args = try c.decodeIfPresent([String].self, forKey: .args)
        replicas = try c.decodeIfPresent(Int.self, forKey: .replicas)
        ports = try c.decodeIfPresent([ComponentPort].self, forKey: .ports)
        resources = try c.decodeIfPresent(ComponentResources.self, forKey: .resources)
        env = try c.decodeIfPresent([String: String].self, forKey: .env)
        secrets = try c.decodeIfPresent([String].self, forKey: .secrets)
        dependsOn = try c.decodeIfPresent([String].self, forKey: .dependsOn)
        autoscaling = try c.decodeIfPresent(Autoscaling.self, forKey: .autoscaling)
        sidecar = try c.decodeIfPresent(Bool.self, forKey: .sidecar)
        sharedMemory = try c.decodeIfPresent(Quantity.self, forKey: .sharedMemory)
        podTemplate = try c.decodeIfPresent(JSONValue.self, forKey: .podTemplate)
    }

    public var isSidecar: Bool { sidecar ?? false }
    public var hasPorts: Bool { !(ports ?? []).isEmpty }
}

/// A port the component listens on; any port makes the component get a ClusterIP Service.
public struct ComponentPort: Codable, Sendable, Hashable {
    public var name: String
    public var port: Int
    /// `TCP` (default), `UDP` or `SCTP`.
    public var `protocol`: String?

    public init(name: String, port: Int, protocol: String? = nil) {
        self.name = name
        self.port = port
        self.protocol = `protocol`
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? ""
        port = try c.decode(Int.self, forKey: .port)
        `protocol` = try c.decodeIfPresent(String.self, forKey: .protocol)
    }
}

/// Requests and limits; the key `gpu` means `nvidia.com/gpu`, other keys pass through.
public struct ComponentResources: Codable, Sendable, Hashable {
    public var requests: [String: Quantity]?
    public var limits: [String: Quantity]?
    public init(requests: [String: Quantity]? = nil, limits: [String: Quantity]? = nil) {
        self.requests = requests
        self.limits = limits
    }
}

/// Autoscaling through an `autoscaling/v2` HorizontalPodAutoscaler on CPU utilisation.
public struct Autoscaling: Codable, Sendable, Hashable {
    public var minReplicas: Int?
    public var maxReplicas: Int
    public var targetCPUUtilizationPercentage: Int?
    public init(minReplicas: Int? = nil, maxReplicas: Int, targetCPUUtilizationPercentage: Int? = nil) {
        self.minReplicas = minReplicas
        self.maxReplicas = maxReplicas
        self.targetCPUUtilizationPercentage = targetCPUUtilizationPercentage
    }
}

import KubeModel

/// The thin YAML shim `dynamo deploy` takes (the design notes' IR):
///
/// ```yaml
/// version: "0.1"
/// name: agg
/// namespace: dynamo          # optional
/// secretName: hf-token       # optional extension; defaults to <name>-secrets when secrets are used
/// components:
///   - name: backend
///     image: nvcr.io/nvidia/ai-dynamo/vllm-runtime:0.3.0
///     cmd: python3 -m dynamo.vllm          # string (split like a shell) or list
///     parameters: [--model, Qwen/Qwen3-0.6B] # list, or a map rendered as --key value
///     resources: {cpu: 8, memory: 40Gi, gpu: 1}
///     replicas: 2
///     environment: {LOG_LEVEL: info}
///     secrets: [HF_TOKEN]
///     dependencies: [processor]
///     ports: [8000]                         # optional extension: numbers or {name, port, protocol}
/// ```
/// YAML anchors and `<<` merge keys are resolved by the parser before this type sees the data.
public struct IRDocument: Sendable, Hashable {
    public var version: String?
    public var name: String
    public var namespace: String?
    public var secretName: String?
    public var components: [IRComponent]

    public init(version: String? = nil, name: String, namespace: String? = nil, secretName: String? = nil, components: [IRComponent]) {
        self.version = version
        self.name = name
        self.namespace = namespace
        self.secretName = secretName
        self.components = components
    }
}

public struct IRComponent: Sendable, Hashable {
    public var name: String
    public var image: String
    public var cmd: [String]?
    public var parameters: [String]?
    public var resources: [String: Quantity]?
    public var replicas: Int?
    public var environment: [String: String]?
    public var secrets: [String]?
    public var dependencies: [String]?
    public var ports: [ComponentPort]?

    public init(name: String, image: String, cmd: [String]? = nil, parameters: [String]? = nil, resources: [String: Quantity]? = nil,
                replicas: Int? = nil, environment: [String: String]? = nil, secrets: [String]? = nil,
                dependencies: [String]? = nil, ports: [ComponentPort]? = nil) {
        self.name = name
        self.image = image
        self.cmd = cmd
        self.parameters = parameters
        self.resources = resources
        self.replicas = replicas
        self.environment = environment
        self.secrets = secrets
        self.dependencies = dependencies
        self.ports = ports
    }
}

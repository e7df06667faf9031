import KubeModel

/// `spec` of a DynamoDeployment.
public struct DynamoDeploymentSpec: Codable, Sendable, Hashable {
    /// The graph's nodes, a list-map keyed by `name` (1–64 entries).
    public var components: [Component]
    /// When set, only components reachable from these through `dependsOn` (plus sidecars) are deployed.
    public var entrypoints: [String]?
    /// Environment common to every component; a component's own `env` wins.
    public var env: [String: String]?
    /// The Secret that `secrets` and `${{ secrets.KEY }}` values read from.
    public var secretName: String?
    /// Free-form version of the IR this object came from.
    public var version: String?

    public init(components: [Component], entrypoints: [String]? = nil, env: [String: String]? = nil,
                secretName: String? = nil, version: String? = nil) {
        self.components = components
        self.entrypoints = entrypoints
        self.env = env
        self.secretName = secretName
        self.version = version
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        components = try c.decodeIfPresent([Component].self, forKey: .components) ?? []
        entrypoints = try c.decodeIfPresent([String].self, forKey: .entrypoints)
        env = try c.decodeIfPresent([String: String].self, forKey: .env)
        secretName = try c.decodeIfPresent(String.self, forKey: .secretName)
        version = try c.decodeIfPresent(String.self, forKey: .version)
    }

    /// The component with this name.
    public func component(named name: String) -> Component? { components.first { $0.name == name } }
}

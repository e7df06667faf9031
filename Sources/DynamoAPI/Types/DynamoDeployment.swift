import KubeModel

/// The `DynamoDeployment` custom resource (`nvidia.com/v1alpha1`): one object describing an
/// LLM-serving graph of components.
public struct DynamoDeployment: KubeResource, Hashable {
    public static let resource = ResourceDescriptor(
        group: "nvidia.com", version: "v1alpha1", plural: "dynamodeployments", kind: "DynamoDeployment", namespaced: true)
    public static let apiVersion = "nvidia.com/v1alpha1"
    public static let kind = "DynamoDeployment"
    public static let singular = "dynamodeployment"
    public static let shortNames = ["dynd"]
    public static let categories = ["dynamo"]

    public var apiVersion: String? = DynamoDeployment.apiVersion
    public var kind: String? = DynamoDeployment.kind
    public var metadata: ObjectMeta
    public var spec: DynamoDeploymentSpec
    public var status: DynamoDeploymentStatus?

    public init(metadata: ObjectMeta, spec: DynamoDeploymentSpec, status: DynamoDeploymentStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case apiVersion, kind, metadata, spec, status }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try c.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try c.decodeIfPresent(String.self, forKey: .kind)
        metadata = try c.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try c.decodeIfPresent(DynamoDeploymentSpec.self, forKey: .spec) ?? DynamoDeploymentSpec(components: [])
        status = try c.decodeIfPresent(DynamoDeploymentStatus.self, forKey: .status)
    }

    /// The controller owner reference children carry (`nil` until the object has a uid).
    public var controllerReference: OwnerReference? {
        guard let uid = metadata.uid, let name = metadata.name else { return nil }
        return OwnerReference(apiVersion: DynamoDeployment.apiVersion, kind: DynamoDeployment.kind, name: name, uid: uid,
                              controller: true, blockOwnerDeletion: true)
    }
}

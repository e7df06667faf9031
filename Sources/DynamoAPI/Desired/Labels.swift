/// Names and labels of the objects generated for a DynamoDeployment.
public enum Labels {
    public static let managedBy = "app.kubernetes.io/managed-by"
    public static let partOf = "app.kubernetes.io/part-of"
    public static let deployment = "nvidia.com/dynamo-deployment"
    public static let component = "nvidia.com/dynamo-component"
    public static let managerName = "dynamo-operator"

    /// `<deployment>-<component>`: the name of the component's Deployment, Service and HPA.
    public static func childName(deployment: String, component: String) -> String { "\(deployment)-\(component)" }

    /// Labels on every child and pod template.
    public static func labels(deployment: String, component: String) -> [String: String] {
        [managedBy: managerName, partOf: deployment, self.deployment: deployment, self.component: component]
    }

    /// The immutable selector of a component's pods (never changes for a given name pair).
    public static func selector(deployment: String, component: String) -> [String: String] {
        [self.deployment: deployment, self.component: component]
    }

    /// Selects every child of a DynamoDeployment (`nvidia.com/dynamo-deployment=<dd>`).
    public static func ownedSelector(deployment: String) -> String { "\(self.deployment)=\(deployment)" }
}

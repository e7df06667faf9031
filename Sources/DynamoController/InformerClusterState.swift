import KubeModel
import KubeRuntime
import DynamoAPI

/// `ClusterState` over the informers' stores: every read is a cache lookup, never a request.
///
/// Guarantees: a DynamoDeployment is looked up by key; owned children are answered from the
/// store's controller-owner-uid index and restricted to the owner's namespace (owner references
/// never cross namespaces, so this only guards against a foreign object claiming the uid).
public final class InformerClusterState: ClusterState {
    let dynamoDeployments: Store<DynamoDeployment>
    let deployments: Store<Deployment>
    let services: Store<Service>
    let autoscalers: Store<HorizontalPodAutoscaler>

    public init(dynamoDeployments: Store<DynamoDeployment>, deployments: Store<Deployment>, services: Store<Service>,
                autoscalers: Store<HorizontalPodAutoscaler>) {
        self.dynamoDeployments = dynamoDeployments
        self.deployments = deployments
        self.services = services
        self.autoscalers = autoscalers
    }

    public func dynamoDeployment(_ key: ObjectKey) -> DynamoDeployment? { dynamoDeployments.get(key) }

    public func ownedDeployments(namespace: String, ownerUID: String) -> [Deployment] { owned(deployments, namespace, ownerUID) }
    public func ownedServices(namespace: String, ownerUID: String) -> [Service] { owned(services, namespace, ownerUID) }
    public func ownedAutoscalers(namespace: String, ownerUID: String) -> [HorizontalPodAutoscaler] { owned(autoscalers, namespace, ownerUID) }

    func owned<T: KubeResource>(_ store: Store<T>, _ namespace: String, _ uid: String) -> [T] {
        store.byOwnerUID(uid).filter { $0.metadata.namespace == namespace }
    }
}

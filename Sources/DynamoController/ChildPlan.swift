import KubeModel
import DynamoAPI

extension DesiredChildKind {
    /// Apply order within one component: the Service first, so its name resolves as soon as
    /// pods start, then the Deployment, then the autoscaler that targets it.
    var applyRank: Int {
        switch self {
        case .service: return 0
        case .deployment: return 1
        case .horizontalPodAutoscaler: return 2
        }
    }
}

/// One child the spec asks for, stamped with its fingerprint.
public struct PlannedChild: Sendable {
    public var kind: DesiredChildKind
    public var name: String
    public var component: String
    public var object: JSONValue
}

/// A live child as the cache holds it, reduced to what reconciling needs.
public struct LiveChild: Sendable {
    public var kind: DesiredChildKind
    public var name: String
    public var uid: String
    public var component: String?
    public var object: JSONValue
}

extension ClusterState {
    /// Every live child controller-owned by `uid`, whatever its kind.
    func liveChildren(namespace: String, ownerUID uid: String) -> [LiveChild] {
        func live<T: KubeResource>(_ kind: DesiredChildKind, _ items: [T]) -> [LiveChild] {
            items.compactMap { item in
                guard let name = item.metadata.name, let childUID = item.metadata.uid,
                    let json = try? JSONValue(encoding: item)
                else { return nil }
                return LiveChild(kind: kind, name: name, uid: childUID,
                                 component: item.metadata.labels?[Labels.component], object: json)
            }
        }
        return live(.service, ownedServices(namespace: namespace, ownerUID: uid))
            + live(.deployment, ownedDeployments(namespace: namespace, ownerUID: uid))
            + live(.horizontalPodAutoscaler, ownedAutoscalers(namespace: namespace, ownerUID: uid))
    }
}

/// Where a kind lives in the REST API: enough to build every URL for it.
public struct ResourceDescriptor: Hashable, Sendable, CustomStringConvertible {
    /// API group; empty for the core group (`/api/v1`).
    public var group: String
    public var version: String
    /// Lower-case plural, as in the URL (`deployments`).
    public var plural: String
    public var kind: String
    public var namespaced: Bool

    public init(group: String, version: String, plural: String, kind: String, namespaced: Bool) {
        self.group = group
        self.version = version
        self.plural = plural
        self.kind = kind
        self.namespaced = namespaced
    }

    /// `apps/v1`, or `v1` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// `deployments.apps`, or `services` for the core group: the name RBAC and error messages use.
    public var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }

    public var description: String { "\(groupResource)/\(version)" }

    /// `/api/v1` or `/apis/<group>/<version>`.
    public var groupVersionPath: String { group.isEmpty ? "/api/\(version)" : "/apis/\(group)/\(version)" }

    /// The collection path, in one namespace or (nil) across all namespaces / cluster-scoped.
    public func collectionPath(namespace: String?) -> String {
        if namespaced, let ns = namespace { return "\(groupVersionPath)/namespaces/\(ns)/\(plural)" }
        return "\(groupVersionPath)/\(plural)"
    }

    /// The path of one object, optionally of one of its subresources (`status`, `scale`).
    public func objectPath(namespace: String?, name: String, subresource: String? = nil) -> String {
        let base = "\(collectionPath(namespace: namespaced ? namespace : nil))/\(name)"
        return subresource.map { "\(base)/\($0)" } ?? base
    }
}

extension ResourceDescriptor {
    public static let namespaces = ResourceDescriptor(group: "", version: "v1", plural: "namespaces", kind: "Namespace", namespaced: false)
    public static let services = ResourceDescriptor(group: "", version: "v1", plural: "services", kind: "Service", namespaced: true)
    public static let secrets = ResourceDescriptor(group: "", version: "v1", plural: "secrets", kind: "Secret", namespaced: true)
    public static let configMaps = ResourceDescriptor(group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true)
    public static let coreEvents = ResourceDescriptor(group: "", version: "v1", plural: "events", kind: "Event", namespaced: true)
    public static let pods = ResourceDescriptor(group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true)
    public static let deployments = ResourceDescriptor(group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true)
    public static let horizontalPodAutoscalers = ResourceDescriptor(group: "autoscaling", version: "v2", plural: "horizontalpodautoscalers", kind: "HorizontalPodAutoscaler", namespaced: true)
    public static let leases = ResourceDescriptor(group: "coordination.k8s.io", version: "v1", plural: "leases", kind: "Lease", namespaced: true)
    public static let events = ResourceDescriptor(group: "events.k8s.io", version: "v1", plural: "events", kind: "Event", namespaced: true)
    public static let customResourceDefinitions = ResourceDescriptor(group: "apiextensions.k8s.io", version: "v1", plural: "customresourcedefinitions", kind: "CustomResourceDefinition", namespaced: false)
}

/// A Kubernetes object type the client can decode and the runtime can cache.
public protocol KubeResource: Codable, Sendable {
    static var resource: ResourceDescriptor { get }
    var metadata: ObjectMeta { get set }
}

extension KubeResource {
    public var key: ObjectKey { ObjectKey(namespace: metadata.namespace, name: metadata.name ?? "") }
}

/// A list envelope (`DeploymentList`): `metadata.resourceVersion` is the list's consistent point,
/// `metadata.continue` the next page's token.
public struct ObjectList<Item: Codable & Sendable>: Codable, Sendable {
    public var apiVersion: String?
    public var kind: String?
    public var metadata: ListMeta
    public var items: [Item]

    public init(apiVersion: String? = nil, kind: String? = nil, metadata: ListMeta = ListMeta(), items: [Item]) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.metadata = metadata
        self.items = items
    }
}

/// Watch event types as the server spells them.
public enum WatchEventType: String, Codable, Sendable {
    case added = "ADDED"
    case modified = "MODIFIED"
    case deleted = "DELETED"
    case bookmark = "BOOKMARK"
    case error = "ERROR"
}

/// The annotation a bookmark carries at the end of the initial events of a `sendInitialEvents` watch.
public let initialEventsEndAnnotation = "k8s.io/initial-events-end"

/// Any object in its untyped form, with typed metadata. Used for CRD-driven and ad-hoc kinds.
public struct DynamicObject: Codable, Sendable, Hashable {
    public var body: JSONValue

    public init(_ body: JSONValue) { self.body = body }

    public init(from decoder: Decoder) throws { body = try JSONValue(from: decoder) }
    public func encode(to encoder: Encoder) throws { try body.encode(to: encoder) }

    public var apiVersion: String? { body["apiVersion"]?.stringValue }
    public var kind: String? { body["kind"]?.stringValue }
    public var metadata: ObjectMeta {
        get { (try? body["metadata"]?.decode(as: ObjectMeta.self)) ?? ObjectMeta() }
        set { body["metadata"] = try? JSONValue(encoding: newValue) }
    }
}

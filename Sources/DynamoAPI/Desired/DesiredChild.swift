import KubeModel

/// The kinds of children a component produces.
public enum DesiredChildKind: String, Sendable, Hashable, CaseIterable {
    case deployment = "Deployment"
    case service = "Service"
    case horizontalPodAutoscaler = "HorizontalPodAutoscaler"

    public var resource: ResourceDescriptor {
        switch self {
        case .deployment: return .deployments
        case .service: return .services
        case .horizontalPodAutoscaler: return .horizontalPodAutoscalers
        }
    }
}

/// What a desired child is, without its body.
public struct ChildSummary: Sendable, Hashable, CustomStringConvertible {
    public var kind: DesiredChildKind
    public var name: String
    public var component: String
    public init(kind: DesiredChildKind, name: String, component: String) {
        self.kind = kind
        self.name = name
        self.component = component
    }
    public var description: String { "\(kind.rawValue)/\(name)" }
}

/// A complete child object (apiVersion, kind, metadata, spec), ready for server-side apply.
public struct DesiredChild: Sendable, Hashable {
    public var summary: ChildSummary
    public var object: JSONValue
    public init(summary: ChildSummary, object: JSONValue) {
        self.summary = summary
        self.object = object
    }

    /// The kind as the API spells it (`Deployment`, `Service`, `HorizontalPodAutoscaler`).
    public var kind: String { summary.kind.rawValue }
    public var name: String { summary.name }
    public var component: String { summary.component }
}

/// Why children cannot be computed.
public enum DesiredStateError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingName
    case missingNamespace
    case invalid(ValidationFailure)

    public var description: String {
        switch self {
        case .missingName: return "metadata.name: Required value (children are named after it)"
        case .missingNamespace: return "metadata.namespace: Required value (children live in the same namespace)"
        case .invalid(let f): return f.description
        }
    }
}

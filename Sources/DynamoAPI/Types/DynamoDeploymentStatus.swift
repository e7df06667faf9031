import KubeModel

/// `status` of a DynamoDeployment, written by the operator through the status subresource.
public struct DynamoDeploymentStatus: Codable, Sendable, Hashable {
    public var observedGeneration: Int64?
    public var phase: DeploymentPhase?
    /// `metav1.Condition`s of the types in `ConditionType`.
    public var conditions: [Condition]?
    public var components: [ComponentStatus]?
    /// `ready/total` of deployed components, e.g. `3/4`.
    public var readyComponents: String?

    public init(observedGeneration: Int64? = nil, phase: DeploymentPhase? = nil, conditions: [Condition]? = nil,
                components: [ComponentStatus]? = nil, readyComponents: String? = nil) {
        self.observedGeneration = observedGeneration
        self.phase = phase
        self.conditions = conditions
        self.components = components
        self.readyComponents = readyComponents
    }
}

/// The phase of the whole deployment.
public enum DeploymentPhase: String, Codable, Sendable, CaseIterable {
    case pending = "Pending", progressing = "Progressing", ready = "Ready", degraded = "Degraded", failed = "Failed"
}

/// The phase of one component.
public enum ComponentPhase: String, Codable, Sendable, CaseIterable {
    case waiting = "Waiting", progressing = "Progressing", ready = "Ready", unused = "Unused", failed = "Failed"
}

/// Condition types on a DynamoDeployment.
public enum ConditionType {
    public static let ready = "Ready"
    public static let progressing = "Progressing"
    public static let valid = "Valid"
    public static let all = [ready, progressing, valid]
}

/// Per-component status.
public struct ComponentStatus: Codable, Sendable, Hashable {
    public var name: String
    public var phase: ComponentPhase
    /// Dependencies not yet ready (phase `Waiting`).
    public var waitingFor: [String]?
    public var replicas: Int?
    public var updatedReplicas: Int?
    public var readyReplicas: Int?
    public var availableReplicas: Int?

    public init(name: String, phase: ComponentPhase, waitingFor: [String]? = nil, replicas: Int? = nil,
                updatedReplicas: Int? = nil, readyReplicas: Int? = nil, availableReplicas: Int? = nil) {
        self.name = name
        self.phase = phase
        self.waitingFor = waitingFor
        self.replicas = replicas
        self.updatedReplicas = updatedReplicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
    }
}

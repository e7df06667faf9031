/// Typed forms of the built-in kinds the operator touches. Parts the operator only passes through
/// (pod templates, service specs, HPA specs) stay untyped so nothing a user or another controller
/// wrote is lost in a round trip; they are held as `CompactJSON` text because informer caches
/// keep one per child.

/// `apps/v1` Deployment.
public struct Deployment: KubeResource, Hashable {
    public static let resource = ResourceDescriptor.deployments
    public var apiVersion: String? = "apps/v1"
    public var kind: String? = "Deployment"
    public var metadata: ObjectMeta
    public var spec: DeploymentSpec?
    public var status: DeploymentStatus?

    public init(metadata: ObjectMeta, spec: DeploymentSpec? = nil, status: DeploymentStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }
}

public struct DeploymentSpec: Codable, Sendable, Hashable {
    public var replicas: Int?
    public var selector: LabelSelector?
    /// A `PodTemplateSpec`, untyped.
    public var template: CompactJSON?
    public var strategy: CompactJSON?
    public var minReadySeconds: Int?
    public var revisionHistoryLimit: Int?
    public var progressDeadlineSeconds: Int?
    public var paused: Bool?

    public init(replicas: Int? = nil, selector: LabelSelector? = nil, template: JSONValue? = nil) {
        self.replicas = replicas
        self.selector = selector
        self.template = template.map(CompactJSON.init)
    }
}

public struct DeploymentStatus: Codable, Sendable, Hashable {
    public struct Condition: Codable, Sendable, Hashable {
        public var type: String
        public var status: String
        public var lastUpdateTime: String?
        public var lastTransitionTime: String?
        public var reason: String?
        public var message: String?
        public init(type: String, status: String, lastUpdateTime: String? = nil, lastTransitionTime: String? = nil, reason: String? = nil, message: String? = nil) {
            self.type = type
            self.status = status
            self.lastUpdateTime = lastUpdateTime
            self.lastTransitionTime = lastTransitionTime
            self.reason = reason
            self.message = message
        }
    }
    public var observedGeneration: Int64?
    public var replicas: Int?
    public var updatedReplicas: Int?
    public var readyReplicas: Int?
    public var availableReplicas: Int?
    public var unavailableReplicas: Int?
    public var terminatingReplicas: Int?
    public var conditions: [Condition]?

    public init(observedGeneration: Int64? = nil, replicas: Int? = nil, updatedReplicas: Int? = nil, readyReplicas: Int? = nil, availableReplicas: Int? = nil, unavailableReplicas: Int? = nil, conditions: [Condition]? = nil) {
        self.observedGeneration = observedGeneration
        self.replicas = replicas
        self.updatedReplicas = updatedReplicas
        self.readyReplicas = readyReplicas
        self.availableReplicas = availableReplicas
        self.unavailableReplicas = unavailableReplicas
        self.conditions = conditions
    }
}

/// `v1` Service; the spec is passed through untyped.
public struct Service: KubeResource, Hashable {
    public static let resource = ResourceDescriptor.services
    public var apiVersion: String? = "v1"
    public var kind: String? = "Service"
    public var metadata: ObjectMeta
    public var spec: CompactJSON?
    public var status: CompactJSON?
    public init(metadata: ObjectMeta, spec: JSONValue? = nil) {
        self.metadata = metadata
        self.spec = spec.map(CompactJSON.init)
    }
}

/// `autoscaling/v2` HorizontalPodAutoscaler; spec and status untyped.
public struct HorizontalPodAutoscaler: KubeResource, Hashable {
    public static let resource = ResourceDescriptor.horizontalPodAutoscalers
    public var apiVersion: String? = "autoscaling/v2"
    public var kind: String? = "HorizontalPodAutoscaler"
    public var metadata: ObjectMeta
    public var spec: CompactJSON?
    public var status: CompactJSON?
    public init(metadata: ObjectMeta, spec: JSONValue? = nil) {
        self.metadata = metadata
        self.spec = spec.map(CompactJSON.init)
    }
}

/// `v1` Namespace.
public struct Namespace: KubeResource, Hashable {
    public static let resource = ResourceDescriptor.namespaces
    public var apiVersion: String? = "v1"
    public var kind: String? = "Namespace"
    public var metadata: ObjectMeta
    public var spec: JSONValue?
    public var status: JSONValue?
    public init(metadata: ObjectMeta) { self.metadata = metadata }
}

/// `coordination.k8s.io/v1` Lease, the lock leader election holds.
public struct Lease: KubeResource, Hashable {
    public static let resource = ResourceDescriptor.leases
    public var apiVersion: String? = "coordination.k8s.io/v1"
    public var kind: String? = "Lease"
    public var metadata: ObjectMeta
    public var spec: LeaseSpec?
    public init(metadata: ObjectMeta, spec: LeaseSpec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }
}

public struct LeaseSpec: Codable, Sendable, Hashable {
    public var holderIdentity: String?
    public var leaseDurationSeconds: Int?
    /// `metav1.MicroTime` text.
    public var acquireTime: String?
    /// `metav1.MicroTime` text.
    public var renewTime: String?
    public var leaseTransitions: Int?
    public init(holderIdentity: String? = nil, leaseDurationSeconds: Int? = nil, acquireTime: String? = nil, renewTime: String? = nil, leaseTransitions: Int? = nil) {
        self.holderIdentity = holderIdentity
        self.leaseDurationSeconds = leaseDurationSeconds
        self.acquireTime = acquireTime
        self.renewTime = renewTime
        self.leaseTransitions = leaseTransitions
    }
}

/// A reference to an object, as events use it.
public struct ObjectReference: Codable, Sendable, Hashable {
    public var apiVersion: String?
    public var kind: String?
    public var namespace: String?
    public var name: String?
    public var uid: String?
    public var resourceVersion: String?
    public init(apiVersion: String? = nil, kind: String? = nil, namespace: String? = nil, name: String? = nil, uid: String? = nil, resourceVersion: String? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
    }
}

/// `events.k8s.io/v1` Event.
public struct Event: KubeResource, Hashable {
    public struct Series: Codable, Sendable, Hashable {
        public var count: Int
        /// `metav1.MicroTime` text.
        public var lastObservedTime: String
        public init(count: Int, lastObservedTime: String) {
            self.count = count
            self.lastObservedTime = lastObservedTime
        }
    }
    public static let resource = ResourceDescriptor.events
    public var apiVersion: String? = "events.k8s.io/v1"
    public var kind: String? = "Event"
    public var metadata: ObjectMeta
    /// `metav1.MicroTime` text; required by the server.
    public var eventTime: String
    public var series: Series?
    public var reportingController: String?
    public var reportingInstance: String?
    public var action: String?
    public var reason: String?
    public var note: String?
    /// `Normal` or `Warning`.
    public var type: String?
    public var regarding: ObjectReference?
    public var related: ObjectReference?

    public init(metadata: ObjectMeta, eventTime: String, reportingController: String? = nil, reportingInstance: String? = nil, action: String? = nil, reason: String? = nil, note: String? = nil, type: String? = nil, regarding: ObjectReference? = nil) {
        self.metadata = metadata
        self.eventTime = eventTime
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.action = action
        self.reason = reason
        self.note = note
        self.type = type
        self.regarding = regarding
    }
}

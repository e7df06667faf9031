import Foundation
import KubeRuntime

/// What an `OperatorRuntime` watches and how it runs.
public struct OperatorConfiguration: Sendable {
    /// The Lease leader election holds (one per installation, in the operator's namespace).
    public static let defaultLeaseName = "dynamo-operator-leader"
    /// How long a graceful shutdown waits for in-flight reconciles: well inside the manifests'
    /// `terminationGracePeriodSeconds: 40`, leaving time to release the Lease.
    public static let defaultDrainTimeout: TimeInterval = 30

    /// Watch this namespace only; nil watches all namespaces.
    public var namespace: String?
    /// Concurrent reconciles (a key is never reconciled by two workers at once).
    public var workers: Int
    /// nil disables leader election: the process reconciles as soon as its caches are synced.
    public var leaderElection: LeaderElectionSettings?
    /// Every this many seconds each cached DynamoDeployment is reconciled again; nil disables.
    public var resyncPeriod: TimeInterval?
    public var drainTimeout: TimeInterval
    /// `reportingInstance` of the Events the operator writes (the leader identity when electing).
    public var instance: String

    public init(namespace: String? = nil, workers: Int = Workers<Int>.defaultCount, leaderElection: LeaderElectionSettings? = nil,
                resyncPeriod: TimeInterval? = nil, drainTimeout: TimeInterval = defaultDrainTimeout,
                instance: String = ProcessInfo.processInfo.hostName) {
        self.namespace = namespace
        self.workers = workers
        self.leaderElection = leaderElection
        self.resyncPeriod = resyncPeriod
        self.drainTimeout = drainTimeout
        self.instance = instance
    }
}

/// Where and as whom the operator runs for leadership.
public struct LeaderElectionSettings: Sendable {
    public var namespace: String
    public var leaseName: String
    /// `hostname_uuid`: unique per process, readable in `kubectl get lease`.
    public var identity: String
    public var timing: LeaderElectionTiming

    public init(namespace: String, leaseName: String = OperatorConfiguration.defaultLeaseName,
                identity: String = LeaderElector.defaultIdentity(), timing: LeaderElectionTiming = .init()) {
        self.namespace = namespace
        self.leaseName = leaseName
        self.identity = identity
        self.timing = timing
    }
}

/// Metrics sinks the runtime reports to; all optional (the Prometheus implementations live in
/// KubeRuntime's metrics module).
public struct OperatorMetricsHooks: Sendable {
    public var queue: WorkQueueMetrics?
    public var reconcile: ReconcileMetrics?
    /// Set to true while this process leads (`leader_election_master_status`).
    public var leaderGauge: (@Sendable (Bool) -> Void)?

    public init(queue: WorkQueueMetrics? = nil, reconcile: ReconcileMetrics? = nil, leaderGauge: (@Sendable (Bool) -> Void)? = nil) {
        self.queue = queue
        self.reconcile = reconcile
        self.leaderGauge = leaderGauge
    }
}

/// How a runtime ended.
public enum OperatorExit: Sendable, Equatable {
    /// `shutdown()` ran: intake stopped, in-flight reconciles drained (`drained` false when the
    /// drain timeout passed first), the Lease released. The process exits 0.
    case shutdown(drained: Bool)
    /// The Lease could not be renewed in time; another replica may lead. The process exits non-zero.
    case lostLeadership
}

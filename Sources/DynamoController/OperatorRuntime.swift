import Foundation
import Synchronization
import Logging
import KubeClient
import KubeModel
import KubeRuntime
import DynamoAPI

/// The operator process minus the CLI: informers, work queue, workers, leader election and the
/// reconciler, wired over one `KubeClient`.
///
/// Guarantees:
/// - informers for DynamoDeployments (one namespace or all) and for the Deployments, Services and
///   HPAs labelled `app.kubernetes.io/managed-by=dynamo-operator` start at `start()`, leader or not
///   (a standby keeps warm caches and is ready);
/// - no reconcile runs before every cache has synced, nor while another replica leads; when both
///   hold, every cached DynamoDeployment is queued once and `workers` reconcilers start;
/// - `shutdown()` stops intake, waits up to `drainTimeout` for in-flight reconciles, then releases
///   the Lease (so a standby takes over at once), stops the informers and flushes Events; it ends
///   the runtime with `.shutdown`;
/// - losing the Lease stops the workers (waiting at most until the Lease could be taken over)
///   and the informers, without releasing, and ends the runtime with `.lostLeadership`;
/// - the runtime runs once: after it ended it cannot be started again.
public final class OperatorRuntime: Sendable {
    /// The label selector of the child informers: only what this operator manages is cached.
    public static let managedSelector = "\(Labels.managedBy)=\(Labels.managerName)"
    /// How often `start()` checks whether all caches have synced.
    public static let syncPollInterval: TimeInterval = 0.1
    /// How long stopping an informer waits for its loop (its watch ends within about a second).
    public static let informerStopTimeout: TimeInterval = 5

    enum Phase { case created, running, stopping, ended }
    struct State {
        var phase = Phase.created
        var synced = false
        var leading = false
        var workersStarted = false
        var exit: OperatorExit?
    }

    public let configuration: OperatorConfiguration
    public let client: KubeClient
    let logger: Logger
    let clock: Clock
    let electionClock: Clock
    let metrics: OperatorMetricsHooks
    let queue: WorkQueue<ObjectKey>
    let workers: Workers<ObjectKey>
    let dynamoDeployments: Informer<ClientListerWatcher<DynamoDeployment>>
    let deployments: Informer<ClientListerWatcher<Deployment>>
    let services: Informer<ClientListerWatcher<Service>>
    let autoscalers: Informer<ClientListerWatcher<HorizontalPodAutoscaler>>
    let events: EventRecorder
    let elector: Mutex<LeaderElector?> = Mutex(nil)
    let state = Mutex(State())
    let ended = DispatchGroup()

    /// - Parameters:
    ///   - clock: drives the queue's delays, informer backoff and resync, and the sync poll.
    ///   - electionClock: drives leader election; its own queue by default, because renewals
    ///     block on the API server and must not hold up the queue's timers (nor be held up by them).
    /// - Throws: `LeaderElectionError` for an invalid timing.
    public init(client: KubeClient, configuration: OperatorConfiguration, metrics: OperatorMetricsHooks = .init(),
                clock: Clock = SystemClock(), electionClock: Clock = SystemClock(queue: DispatchQueue(label: "dynamo.leader-election")),
                logger: Logger = Logger(label: "dynamo.operator")) throws {
        self.configuration = configuration
        self.client = client
        self.logger = logger
        self.clock = clock
        self.electionClock = electionClock
        self.metrics = metrics
        let queue = WorkQueue<ObjectKey>(clock: clock, metrics: metrics.queue)
        self.queue = queue
        let enqueue: @Sendable (ObjectKey) -> Void = { queue.add($0) }
        let ns = configuration.namespace
        dynamoDeployments = Informer(source: ClientListerWatcher(client: client, namespace: ns),
                                     handlers: EventMapping.ownerHandlers(for: ClientListerWatcher<DynamoDeployment>.self, enqueue),
                                     clock: clock, resyncPeriod: configuration.resyncPeriod, transform: CacheTransforms.dynamoDeployment)
        deployments = Informer(source: ClientListerWatcher(client: client, namespace: ns, labelSelector: Self.managedSelector),
                               handlers: EventMapping.childHandlers(for: ClientListerWatcher<Deployment>.self, enqueue), clock: clock,
                               transform: CacheTransforms.deployment)
        services = Informer(source: ClientListerWatcher(client: client, namespace: ns, labelSelector: Self.managedSelector),
                            handlers: EventMapping.childHandlers(for: ClientListerWatcher<Service>.self, enqueue), clock: clock,
                            transform: CacheTransforms.service)
        autoscalers = Informer(source: ClientListerWatcher(client: client, namespace: ns, labelSelector: Self.managedSelector),
                               handlers: EventMapping.childHandlers(for: ClientListerWatcher<HorizontalPodAutoscaler>.self, enqueue), clock: clock)

        let identity = configuration.leaderElection?.identity ?? configuration.instance
        events = EventRecorder(writer: APIEventWriter(client: client), instance: identity, logger: logger)
        let reconciler = DynamoReconciler(
            state: InformerClusterState(dynamoDeployments: dynamoDeployments.store, deployments: deployments.store,
                                        services: services.store, autoscalers: autoscalers.store),
            writer: ClientClusterWriter(client: client), events: events, logger: logger)
        workers = Workers(queue: queue, count: configuration.workers, clock: clock, metrics: metrics.reconcile,
                          handler: Self.reconcileHandler(reconciler, logger: logger))

        if let le = configuration.leaderElection {
            let callbacks = LeaderElector.Callbacks(
                onStartedLeading: { [weak self] in self?.startedLeading() },
                onStoppedLeading: { [weak self] in self?.stoppedLeading() },
                onNewLeader: { [logger] holder in logger.info("leader observed", metadata: ["leader": "\(holder)"]) })
            let elector = try LeaderElector(namespace: le.namespace, name: le.leaseName, identity: le.identity,
                                            store: ClientLeaseStore(client: client), timing: le.timing, clock: electionClock,
                                            callbacks: callbacks, leaderGauge: metrics.leaderGauge)
            self.elector.withLock { $0 = elector }
        }
    }

    /// The work each worker runs for a key: one reconcile, logged with `key` and a fresh
    /// `reconcileID`; an error is rethrown so the queue retries the key with backoff.
    static func reconcileHandler(_ reconciler: DynamoReconciler, logger: Logger) -> @Sendable (ObjectKey) throws -> ReconcileResult {
        { key in
            var log = logger
            log[metadataKey: "key"] = "\(key)"
            log[metadataKey: "reconcileID"] = "\(RandomUID.make())"
            do {
                let outcome = try reconciler.reconcile(key)
                var meta: Logger.Metadata = ["writes": "\(outcome.writes)"]
                if !outcome.applied.isEmpty { meta["applied"] = "\(outcome.applied.joined(separator: ","))" }
                if !outcome.deleted.isEmpty { meta["deleted"] = "\(outcome.deleted.joined(separator: ","))" }
                if outcome.statusWritten { meta["status"] = "written" }
                if let skip = outcome.skipped { meta["skipped"] = "\(skip.rawValue)" }
                // A converged graph is reconciled often (every child status change): keep it at debug.
                log.log(level: outcome.writes == 0 && outcome.skipped == nil ? .debug : .info, "reconciled", metadata: meta)
                return .done
            } catch let e as KubeError where e.isConflict {
                log.info("reconcile hit a conflict (stale cache); retrying", metadata: ["error": "\(e)"])
                throw e
            } catch {
                log.error("reconcile failed; retrying with backoff", metadata: ["error": "\(error)"])
                throw error
            }
        }
    }

    // MARK: - Status for probes and metrics

    /// Every informer has completed its first list.
    public var hasSynced: Bool {
        dynamoDeployments.hasSynced && deployments.hasSynced && services.hasSynced && autoscalers.hasSynced
    }

    /// This process reconciles (it holds the Lease, or leader election is off and it is running).
    public var isLeader: Bool { state.withLock { $0.leading && $0.phase == .running } }

    /// Whether the runtime has ended, and how.
    public var exit: OperatorExit? { state.withLock { $0.exit } }

    /// The reconcile queue, for metrics that sample it (`ControllerMetrics.observeInFlightWork`).
    public var workQueue: WorkQueue<ObjectKey> { queue }

    // MARK: - Lifecycle

    /// Checks the installation before starting (see `StartupCheck`).
    public func preflight() throws {
        try StartupCheck.run(client: client, namespace: configuration.namespace,
                             leaseNamespace: configuration.leaderElection?.namespace,
                             leaseName: configuration.leaderElection?.leaseName ?? OperatorConfiguration.defaultLeaseName)
    }

    /// Starts the informers and leader election (or leads at once without it). Returns at once;
    /// workers start once caches are synced and this process leads. A second call does nothing.
    public func start() {
        let first = state.withLock { s -> Bool in
            guard s.phase == .created else { return false }
            s.phase = .running
            ended.enter()
            return true
        }
        guard first else { return }
        logger.info("starting", metadata: ["namespace": "\(configuration.namespace ?? "(all)")", "workers": "\(configuration.workers)",
                                           "leaderElection": "\(configuration.leaderElection.map { "\($0.namespace)/\($0.leaseName) as \($0.identity)" } ?? "off")"])
        dynamoDeployments.run()
        deployments.run()
        services.run()
        autoscalers.run()
        pollSync()
        if let elector = elector.withLock({ $0 }) {
            // The first round is a request: run it on the election clock's thread, not the caller's.
            electionClock.schedule(after: 0) { elector.run() }
        } else {
            metrics.leaderGauge?(true)
            startedLeading()
        }
    }

    func pollSync() {
        if state.withLock({ $0.phase != .running }) { return }
        guard hasSynced else {
            clock.schedule(after: Self.syncPollInterval) { [weak self] in self?.pollSync() }
            return
        }
        logger.info("caches synced", metadata: ["dynamodeployments": "\(dynamoDeployments.store.count)", "deployments": "\(deployments.store.count)",
                                                "services": "\(services.store.count)", "horizontalpodautoscalers": "\(autoscalers.store.count)"])
        state.withLock { $0.synced = true }
        startWorkersIfReady()
    }

    func startedLeading() {
        logger.info("leading: this process reconciles")
        state.withLock { $0.leading = true }
        startWorkersIfReady()
    }

    func startWorkersIfReady() {
        let go = state.withLock { s -> Bool in
            guard s.phase == .running, s.synced, s.leading, !s.workersStarted else { return false }
            s.workersStarted = true
            return true
        }
        guard go else { return }
        // Events seen while standing by were queued already; queue every object once more so a
        // new leader looks at all of them (the queue deduplicates).
        for key in dynamoDeployments.store.keys { queue.add(key) }
        logger.info("starting workers", metadata: ["count": "\(configuration.workers)", "queued": "\(queue.count)"])
        workers.start()
    }

    func stoppedLeading() {
        let lost = state.withLock { s -> Bool in
            guard s.phase == .running else { return false }   // our own release during shutdown
            s.phase = .stopping
            s.leading = false
            return true
        }
        guard lost else { return }
        logger.error("lost the leader lease: stopping")
        // Off the elector's thread: draining blocks. Drain only while no one else can lead yet
        // (the lease outlives our last renewal by leaseDuration - renewDeadline).
        let timing = configuration.leaderElection?.timing ?? LeaderElectionTiming()
        let drainTimeout = min(configuration.drainTimeout, max(0, timing.leaseDuration - timing.renewDeadline))
        DispatchQueue.global().async { [self] in
            let drained = workers.stop(drainTimeout: drainTimeout)
            if !drained { logger.warning("reconciles still running after the lease was lost", metadata: ["timeout": "\(drainTimeout)"]) }
            elector.withLock { $0 }?.release()
            stopInformersAndFlush()
            end(.lostLeadership)
        }
    }

    /// Graceful shutdown: stop intake, drain in-flight reconciles (≤ `drainTimeout`), release the
    /// Lease, stop the informers, flush Events. Blocks until done; safe to call more than once
    /// and concurrently with losing the Lease (the first ending wins). Returns how the runtime ended.
    @discardableResult
    public func shutdown() -> OperatorExit {
        let proceed = state.withLock { s -> Bool in
            switch s.phase {
            case .created:
                s.phase = .ended
                s.exit = .shutdown(drained: true)
                return false
            case .running:
                s.phase = .stopping
                return true
            case .stopping, .ended:
                return false
            }
        }
        guard proceed else {
            ended.wait()
            return exit ?? .shutdown(drained: true)
        }
        logger.info("shutting down: draining reconciles", metadata: ["timeout": "\(configuration.drainTimeout)"])
        let drained = workers.stop(drainTimeout: configuration.drainTimeout)
        if !drained { logger.warning("reconciles still running at the drain deadline", metadata: ["timeout": "\(configuration.drainTimeout)"]) }
        if let elector = elector.withLock({ $0 }) {
            elector.release()
        } else {
            metrics.leaderGauge?(false)
        }
        stopInformersAndFlush()
        end(.shutdown(drained: drained))
        logger.info("stopped", metadata: ["drained": "\(drained)"])
        return .shutdown(drained: drained)
    }

    /// Stops the four informers in parallel (each watch takes up to about a second to end), then
    /// waits for queued Events to be written.
    func stopInformersAndFlush() {
        let stops: [@Sendable () -> Void] = [
            { [dynamoDeployments] in dynamoDeployments.stop(timeout: Self.informerStopTimeout) },
            { [deployments] in deployments.stop(timeout: Self.informerStopTimeout) },
            { [services] in services.stop(timeout: Self.informerStopTimeout) },
            { [autoscalers] in autoscalers.stop(timeout: Self.informerStopTimeout) },
        ]
        DispatchQueue.concurrentPerform(iterations: stops.count) { stops[$0]() }
        events.flush()
    }

    func end(_ exit: OperatorExit) {
        let first = state.withLock { s -> Bool in
            guard s.exit == nil else { return false }
            s.exit = exit
            s.phase = .ended
            s.leading = false
            return true
        }
        if first { ended.leave() }
    }

    /// Waits until the runtime has ended (after `start()`); returns how.
    public func wait() async -> OperatorExit {
        await withCheckedContinuation { (c: CheckedContinuation<OperatorExit, Never>) in
            ended.notify(queue: .global()) { [self] in c.resume(returning: exit ?? .shutdown(drained: true)) }
        }
    }

    /// Waits up to `timeout` seconds for the runtime to end; nil if it is still running.
    public func wait(timeout: TimeInterval) -> OperatorExit? {
        ended.wait(timeout: .now() + timeout) == .success ? exit : nil
    }
}

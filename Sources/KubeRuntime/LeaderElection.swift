import Foundation
import Synchronization
import KubeModel

/// Reads and writes the Lease that leader election holds. `update` must fail with an error for
/// which `isConflict` is true when the lease's resourceVersion is stale (optimistic concurrency).
public protocol LeaseStore: Sendable {
    func get(namespace: String, name: String) throws -> Lease?
    func create(_ lease: Lease) throws -> Lease
    func update(_ lease: Lease) throws -> Lease
    func isConflict(_ error: Error) -> Bool
}

/// Timing of leader election (client-go's `LeaderElectionConfig`, controller-runtime's defaults).
public struct LeaderElectionTiming: Sendable, Equatable {
    /// How long a lease is honoured after its last renewal: how long a standby waits after the
    /// leader vanished without releasing.
    public var leaseDuration: TimeInterval = 15
    /// How long the leader keeps trying to renew before it gives up leading.
    public var renewDeadline: TimeInterval = 10
    /// How often candidates try to acquire and the leader renews.
    public var retryPeriod: TimeInterval = 2

    public init(leaseDuration: TimeInterval = 15, renewDeadline: TimeInterval = 10, retryPeriod: TimeInterval = 2) {
        self.leaseDuration = leaseDuration
        self.renewDeadline = renewDeadline
        self.retryPeriod = retryPeriod
    }

    /// client-go's rule: the lease must outlive the renew deadline, which must allow more than
    /// one retry (with client-go's 1.2 jitter factor), or two leaders can overlap.
    public func validate() throws {
        guard leaseDuration > renewDeadline else {
            throw LeaderElectionError.invalidTiming("leaseDuration (\(leaseDuration)s) must be greater than renewDeadline (\(renewDeadline)s)")
        }
        guard renewDeadline > 1.2 * retryPeriod else {
            throw LeaderElectionError.invalidTiming("renewDeadline (\(renewDeadline)s) must be greater than 1.2 × retryPeriod (\(retryPeriod)s)")
        }
        guard retryPeriod > 0 else { throw LeaderElectionError.invalidTiming("retryPeriod must be positive") }
    }
}

public enum LeaderElectionError: Error, CustomStringConvertible, Equatable {
    case invalidTiming(String)
    public var description: String {
        switch self {
        case .invalidTiming(let m): return "invalid leader election timing: \(m)"
        }
    }
}

/// Leader election on a `coordination.k8s.io/v1` Lease.
///
/// Guarantees: at most one elector that shares a store believes it leads at any instant of the
/// store's timeline (it takes the lease only when it is free, released or expired, by an
/// optimistic write); a leader that cannot renew within `renewDeadline` stops leading and calls
/// `onStoppedLeading`; `release()` hands the lease over so a standby acquires it on its next try,
/// and no round runs after it: a round in flight when `release()` is called (its write possibly
/// already on the server) finishes first, then the release overwrites it.
///
/// Callbacks run on the elector's thread inside its round, so they arrive in order and never
/// after a `release()` that returned; they may call `release()` themselves, but must not wait
/// for another thread that does.
public final class LeaderElector: Sendable {
    public struct Callbacks: Sendable {
        public var onStartedLeading: @Sendable () -> Void
        public var onStoppedLeading: @Sendable () -> Void
        public var onNewLeader: @Sendable (String) -> Void
        public init(onStartedLeading: @escaping @Sendable () -> Void, onStoppedLeading: @escaping @Sendable () -> Void, onNewLeader: @escaping @Sendable (String) -> Void = { _ in }) {
            self.onStartedLeading = onStartedLeading
            self.onStoppedLeading = onStoppedLeading
            self.onNewLeader = onNewLeader
        }
    }

    struct State {
        var leading = false
        var lastRenew: TimeInterval?
        var observedHolder: String?
        var observed: Lease?
        var stopped = false
    }

    public let identity: String
    let namespace: String
    let name: String
    let store: LeaseStore
    let timing: LeaderElectionTiming
    let clock: Clock
    let wallClock: @Sendable () -> Date
    let callbacks: Callbacks
    let state = Mutex(State())
    let gauge: (@Sendable (Bool) -> Void)?
    /// Held by each acquire-or-renew round (with its callbacks) and by `release()`, so a release
    /// never interleaves with a round: otherwise a renewal answered after the release would mark
    /// a released elector as leading again, next to the standby that took the lease over.
    /// Recursive, so a callback may call `release()`.
    let round = NSRecursiveLock()

    /// `hostname_uuid`, client-go's recommended identity: unique per process even on one host.
    public static func defaultIdentity() -> String {
        "\(ProcessInfo.processInfo.hostName)_\(RandomUID.make())"
    }

    public init(namespace: String, name: String, identity: String = LeaderElector.defaultIdentity(), store: LeaseStore,
                timing: LeaderElectionTiming = .init(), clock: Clock = SystemClock(), wallClock: @escaping @Sendable () -> Date = { Date() },
                callbacks: Callbacks, leaderGauge: (@Sendable (Bool) -> Void)? = nil) throws {
        try timing.validate()
        self.namespace = namespace
        self.name = name
        self.identity = identity
        self.store = store
        self.timing = timing
        self.clock = clock
        self.wallClock = wallClock
        self.callbacks = callbacks
        self.gauge = leaderGauge
    }

    public var isLeader: Bool { state.withLock { $0.leading } }

    /// Starts trying to acquire, then renewing, every `retryPeriod`, until `stop()`/`release()`.
    public func run() { tick() }

    /// One acquire-or-renew round. Public for tests that step the clock.
    func tick() {
        round.lock()
        defer { round.unlock() }
        if state.withLock({ $0.stopped }) { return }
        let succeeded = tryAcquireOrRenew()
        let now = clock.now()
        var started = false
        var lost = false
        state.withLock { s in
            if succeeded {
                s.lastRenew = now
                if !s.leading { s.leading = true; started = true }
            } else if s.leading, let last = s.lastRenew, now - last >= timing.renewDeadline {
                s.leading = false
                lost = true
            }
        }
        if started {
            gauge?(true)
            callbacks.onStartedLeading()
        }
        if lost {
            gauge?(false)
            callbacks.onStoppedLeading()
        }
        clock.schedule(after: timing.retryPeriod) { [weak self] in self?.tick() }
    }

    func tryAcquireOrRenew() -> Bool {
        let nowText = KubeTime.formatMicro(wallClock())
        let existing: Lease?
        do {
            existing = try store.get(namespace: namespace, name: name)
        } catch {
            return false
        }
        guard var lease = existing else {
            let fresh = Lease(
                metadata: ObjectMeta(name: name, namespace: namespace),
                spec: LeaseSpec(holderIdentity: identity, leaseDurationSeconds: Int(timing.leaseDuration), acquireTime: nowText, renewTime: nowText, leaseTransitions: 0))
            return (try? store.create(fresh)) != nil
        }
        let spec = lease.spec ?? LeaseSpec()
        let holder = spec.holderIdentity ?? ""
        observe(holder: holder)
        if !holder.isEmpty && holder != identity && !expired(spec) { return false }
        var next = spec
        if holder != identity {
            next.acquireTime = nowText
            next.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
        }
        next.holderIdentity = identity
        next.leaseDurationSeconds = Int(timing.leaseDuration)
        next.renewTime = nowText
        lease.spec = next
        do {
            _ = try store.update(lease)
            observe(holder: identity)
            return true
        } catch {
            return false
        }
    }

    func expired(_ spec: LeaseSpec) -> Bool {
        guard let renew = spec.renewTime.flatMap(KubeTime.parse) else { return true }
        let duration = TimeInterval(spec.leaseDurationSeconds ?? Int(timing.leaseDuration))
        return renew.addingTimeInterval(duration) < wallClock()
    }

    func observe(holder: String) {
        let changed = state.withLock { s -> Bool in
            guard s.observedHolder != holder else { return false }
            s.observedHolder = holder
            return true
        }
        if changed && !holder.isEmpty { callbacks.onNewLeader(holder) }
    }

    /// Stops electing. When leading, gives the lease up (empty holder, 1 s duration) so a
    /// standby takes over on its next try instead of waiting for expiry.
    public func release() {
        round.lock()
        defer { round.unlock() }
        let wasLeading = state.withLock { s -> Bool in
            s.stopped = true
            defer { s.leading = false }
            return s.leading
        }
        guard wasLeading else { return }
        if var lease = try? store.get(namespace: namespace, name: name), lease.spec?.holderIdentity == identity {
            lease.spec?.holderIdentity = ""
            lease.spec?.leaseDurationSeconds = 1
            lease.spec?.renewTime = KubeTime.formatMicro(wallClock())
            _ = try? store.update(lease)
        }
        gauge?(false)
        callbacks.onStoppedLeading()
    }
}

import Foundation
import Synchronization
import KubeModel

/// Keeps a `Store` in step with the API server by list-then-watch (client-go's reflector).
///
/// Guarantees:
/// - the store is filled by a paginated list before any watch event is applied, and
///   `hasSynced` turns true only then;
/// - every event, bookmarks included, advances the resourceVersion the next watch resumes from;
/// - when the server says that resourceVersion is too old, the informer relists from scratch and
///   emits a delete for every cached object missing from the new list (nothing stays stale);
/// - other failures are retried with jittered exponential backoff, reset after a healthy spell;
/// - handlers are called one at a time, never concurrently: list and watch events from the
///   informer's own thread in event order, periodic resyncs from the clock's thread, each
///   resync replaying the store as it stands between two events (the store does not change
///   while handlers run, so handlers must only hand work off, never call back into the informer).
public final class Informer<LW: ListerWatcher>: Sendable {
    public typealias T = LW.Object

    /// Page size of the initial list (client-go: 500), bounding each response's memory.
    public static var pageSize: Int { 500 }
    /// Watch timeouts are drawn from [min, max] seconds (client-go: 5–10 min) so many clients
    /// do not reconnect in lockstep.
    public static var minWatchTimeout: Int { 300 }
    public static var maxWatchTimeout: Int { 600 }
    /// Reconnect backoff (client-go reflector): 800 ms doubling to 30 s, with up to 100% jitter,
    /// reset once a watch has been healthy for 2 minutes.
    public static var initialBackoff: TimeInterval { 0.8 }
    public static var maxBackoff: TimeInterval { 30 }
    public static var backoffResetAfter: TimeInterval { 120 }

    public struct Handlers: Sendable {
        public var onAdd: @Sendable (T) -> Void
        public var onUpdate: @Sendable (T, T) -> Void
        public var onDelete: @Sendable (T) -> Void
        public init(onAdd: @escaping @Sendable (T) -> Void = { _ in }, onUpdate: @escaping @Sendable (T, T) -> Void = { _, _ in }, onDelete: @escaping @Sendable (T) -> Void = { _ in }) {
            self.onAdd = onAdd
            self.onUpdate = onUpdate
            self.onDelete = onDelete
        }
    }

    struct State {
        var resourceVersion = ""
        var needsList = true
        var backoff: TimeInterval = 0
        var lastFailure: TimeInterval?
    }

    public let store: Store<T>
    let source: LW
    let handlers: Handlers
    let clock: Clock
    let random: @Sendable () -> Double
    let resyncPeriod: TimeInterval?
    let state = Mutex(State())
    let stopSignal = WatchStop()
    /// Held while the store changes and the handlers hear of it: the one-at-a-time guarantee.
    let delivery = Mutex(())
    let finished = DispatchSemaphore(value: 0)

    public init(source: LW, handlers: Handlers = Handlers(), clock: Clock = SystemClock(), resyncPeriod: TimeInterval? = nil,
                transform: Store<T>.Transform? = nil, random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }) {
        self.store = Store(transform: transform)
        self.source = source
        self.handlers = handlers
        self.clock = clock
        self.resyncPeriod = resyncPeriod
        self.random = random
    }

    /// The resourceVersion the next watch resumes from.
    public var resourceVersion: String { state.withLock { $0.resourceVersion } }
    public var hasSynced: Bool { store.hasSynced }

    /// Starts listing and watching on a background thread until `stop()`.
    public func run() {
        DispatchQueue(label: "kube.runtime.informer.\(T.resource.plural)").async { [self] in
            defer { finished.signal() }
            loop()
        }
        scheduleResync()
    }

    /// Stops the watch (within about a second) and the loop; waits up to `timeout` seconds.
    @discardableResult
    public func stop(timeout: TimeInterval = 5) -> Bool {
        stopSignal.stop()
        return finished.wait(timeout: .now() + timeout) == .success
    }

    func loop() {
        while !stopSignal.isStopped {
            do {
                if state.withLock({ $0.needsList }) { try relist() }
                let rv = resourceVersion
                let timeout = Self.minWatchTimeout + Int(random() * Double(Self.maxWatchTimeout - Self.minWatchTimeout))
                let started = clock.now()
                try source.watch(resourceVersion: rv, timeoutSeconds: timeout, stop: stopSignal) { event in
                    apply(event)
                }
                noteHealthy(since: started)
            } catch where source.isExpired(error) {
                state.withLock { $0.needsList = true }
            } catch {
                if stopSignal.isStopped { break }
                sleep(nextBackoff())
            }
        }
    }

    func relist() throws {
        var fresh: [ObjectKey: T] = [:]
        var page = ListPage(limit: Self.pageSize)
        var listRV = ""
        repeat {
            let result = try source.list(page)
            for item in result.items { fresh[item.key] = item }
            listRV = result.metadata.resourceVersion ?? listRV
            page.continueToken = result.metadata.continue.flatMap { $0.isEmpty ? nil : $0 }
        } while page.continueToken != nil && !stopSignal.isStopped
        delivery.withLock { _ in
            for key in store.keys where fresh[key] == nil {
                if let gone = store.remove(key) { handlers.onDelete(gone) }
            }
            for (_, item) in fresh {
                let (old, stored) = store.upsert(item)
                if let old { handlers.onUpdate(old, stored) } else { handlers.onAdd(stored) }
            }
            store.markSynced()
        }
        state.withLock {
            $0.resourceVersion = listRV
            $0.needsList = false
        }
    }

    func apply(_ event: InformerEvent<T>) {
        switch event {
        case .added(let o), .modified(let o):
            advance(to: o.metadata.resourceVersion)
            delivery.withLock { _ in
                let (old, stored) = store.upsert(o)
                if let old { handlers.onUpdate(old, stored) } else { handlers.onAdd(stored) }
            }
        case .deleted(let o):
            advance(to: o.metadata.resourceVersion)
            delivery.withLock { _ in
                let old = store.remove(o.key)
                handlers.onDelete(old ?? o)
            }
        case .bookmark(let rv):
            advance(to: rv)
        }
    }

    func advance(to rv: String?) {
        guard let rv, !rv.isEmpty else { return }
        state.withLock { $0.resourceVersion = rv }
    }

    func noteHealthy(since start: TimeInterval) {
        let now = clock.now()
        state.withLock { s in
            if now - start >= Self.backoffResetAfter { s.backoff = 0 }
        }
    }

    func nextBackoff() -> TimeInterval {
        let now = clock.now()
        return state.withLock { s in
            if let last = s.lastFailure, now - last >= Self.backoffResetAfter { s.backoff = 0 }
            s.lastFailure = now
            s.backoff = s.backoff == 0 ? Self.initialBackoff : min(Self.maxBackoff, s.backoff * 2)
            return s.backoff * (1 + random())
        }
    }

    /// Waits on the informer's clock (so tests advance it) and wakes early on `stop()`.
    func sleep(_ seconds: TimeInterval) {
        let done = DispatchSemaphore(value: 0)
        clock.schedule(after: seconds) { done.signal() }
        while done.wait(timeout: .now() + 0.05) == .timedOut {
            if stopSignal.isStopped { return }
        }
    }

    func scheduleResync() {
        guard let period = resyncPeriod, period > 0 else { return }
        clock.schedule(after: period) { [weak self] in
            guard let self, !self.stopSignal.isStopped else { return }
            self.delivery.withLock { _ in
                for o in self.store.list() { self.handlers.onUpdate(o, o) }
            }
            self.scheduleResync()
        }
    }
}

/// Event filters and key mappers controllers wire informers with.
public enum EventFilters {
    /// Lets an update through only when it changes what a reconcile acts on: the generation
    /// (spec), labels, annotations or the deletion timestamp. Status-only writes, such as the
    /// controller's own, are dropped, so they cannot trigger a reconcile loop.
    public static func specOrMetadataChanged(_ old: ObjectMeta, _ new: ObjectMeta) -> Bool {
        old.generation != new.generation || old.labels != new.labels || old.annotations != new.annotations
            || old.deletionTimestamp != new.deletionTimestamp
    }

    /// The key of `meta`'s controller owner when it is of `kind`: how a child's event reaches
    /// its owner's reconcile. Owners are in the child's namespace (cross-namespace owner
    /// references are not allowed).
    public static func controllerOwnerKey(of meta: ObjectMeta, kind: String) -> ObjectKey? {
        guard let owner = meta.controllerOwner, owner.kind == kind else { return nil }
        return ObjectKey(namespace: meta.namespace, name: owner.name)
    }
}

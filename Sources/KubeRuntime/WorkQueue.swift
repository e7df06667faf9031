import Foundation

/// Reports a queue's activity (controller-runtime's `workqueue_*` metrics).
public protocol WorkQueueMetrics: Sendable {
    func added()
    func depth(_ depth: Int)
    /// Seconds a key waited between being queued and handed to a worker.
    func queued(seconds: TimeInterval)
    /// Seconds a worker held a key.
    func worked(seconds: TimeInterval)
    func retried()
}

/// A deduplicating, rate-limited work queue (client-go's `workqueue.RateLimitingInterface`).
///
/// Guarantees:
/// - a key waiting in the queue is held once, however often it is added;
/// - a key being processed is never handed to a second worker; added again meanwhile, it is
///   processed once more after `done`;
/// - after `shutDown`, `get` returns nil once the queue is empty and adds are ignored.
public final class WorkQueue<Key: Hashable & Sendable>: @unchecked Sendable {
    // All mutable state below is guarded by `lock`.
    private let lock = NSCondition()
    private var queue: [Key] = []
    private var head = 0
    private var dirty: Set<Key> = []
    private var processing: Set<Key> = []
    private var queuedAt: [Key: TimeInterval] = [:]
    private var startedAt: [Key: TimeInterval] = [:]
    private var shuttingDown = false

    let clock: Clock
    let rateLimiter: RateLimiter
    let metrics: WorkQueueMetrics?

    public init(clock: Clock = SystemClock(), rateLimiter: RateLimiter? = nil, metrics: WorkQueueMetrics? = nil) {
        self.clock = clock
        self.rateLimiter = rateLimiter ?? MaxOfRateLimiter.controllerDefault(clock: clock)
        self.metrics = metrics
    }

    /// Queues `key` unless it is already waiting.
    public func add(_ key: Key) {
        lock.lock()
        defer { lock.unlock() }
        guard !shuttingDown, !dirty.contains(key) else { return }
        metrics?.added()
        dirty.insert(key)
        guard !processing.contains(key) else { return }
        enqueueLocked(key)
    }

    /// Queues `key` after `delay` seconds (at once when `delay ≤ 0`).
    public func addAfter(_ key: Key, _ delay: TimeInterval) {
        guard delay > 0 else { return add(key) }
        if isShuttingDown { return }
        clock.schedule(after: delay) { [weak self] in self?.add(key) }
    }

    /// Queues `key` after its rate limiter's delay: the retry path for failed work.
    public func addRateLimited(_ key: Key) {
        metrics?.retried()
        addAfter(key, rateLimiter.when(String(describing: key)))
    }

    /// Clears `key`'s retry history (after it succeeded).
    public func forget(_ key: Key) { rateLimiter.forget(String(describing: key)) }

    /// Retries on record for `key`.
    public func numRequeues(_ key: Key) -> Int { rateLimiter.retries(String(describing: key)) }

    /// Blocks until a key is available and marks it processing; nil once shut down and empty.
    public func get() -> Key? {
        lock.lock()
        defer { lock.unlock() }
        while head == queue.count && !shuttingDown { lock.wait() }
        guard head < queue.count else { return nil }
        let key = queue[head]
        head += 1
        if head > 1024 && head * 2 > queue.count {
            queue.removeFirst(head)
            head = 0
        }
        processing.insert(key)
        dirty.remove(key)
        let now = clock.now()
        if let t = queuedAt.removeValue(forKey: key) { metrics?.queued(seconds: now - t) }
        startedAt[key] = now
        metrics?.depth(queue.count - head)
        return key
    }

    /// Ends processing of `key`; re-queues it if it was added meanwhile.
    public func done(_ key: Key) {
        lock.lock()
        defer { lock.unlock() }
        processing.remove(key)
        if let t = startedAt.removeValue(forKey: key) { metrics?.worked(seconds: clock.now() - t) }
        if dirty.contains(key) { enqueueLocked(key) }
        lock.broadcast()
    }

    /// Keys waiting (not those being processed).
    public var count: Int {
        lock.lock()
        defer { lock.unlock() }
        return queue.count - head
    }

    /// Work held by workers right now, measured on the queue's clock: the summed and the longest
    /// seconds since each processing key was handed out (client-go's `unfinished_work_seconds`
    /// and `longest_running_processor_seconds`). Zero when nothing is in flight.
    public func inFlightWork() -> (totalSeconds: TimeInterval, longestSeconds: TimeInterval) {
        lock.lock()
        defer { lock.unlock() }
        let now = clock.now()
        var total: TimeInterval = 0
        var longest: TimeInterval = 0
        for start in startedAt.values {
            let held = max(0, now - start)
            total += held
            longest = max(longest, held)
        }
        return (total, longest)
    }

    public var isShuttingDown: Bool {
        lock.lock()
        defer { lock.unlock() }
        return shuttingDown
    }

    /// Stops intake; workers finish what they hold and drain nothing new once empty.
    public func shutDown() {
        lock.lock()
        shuttingDown = true
        queue.removeFirst(head)
        head = 0
        lock.broadcast()
        lock.unlock()
    }

    /// Stops intake, drops waiting keys, and waits up to `timeout` seconds (wall time) for the
    /// keys being processed to be done. Returns false if work was still in flight at the deadline.
    @discardableResult
    public func shutDownWithDrain(timeout: TimeInterval) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        shuttingDown = true
        queue.removeAll()
        head = 0
        dirty.removeAll()
        lock.broadcast()
        let deadline = Date().addingTimeInterval(timeout)
        while !processing.isEmpty {
            if !lock.wait(until: deadline) { return processing.isEmpty }
        }
        return true
    }

    private func enqueueLocked(_ key: Key) {
        queue.append(key)
        queuedAt[key] = clock.now()
        metrics?.depth(queue.count - head)
        lock.signal()
    }
}

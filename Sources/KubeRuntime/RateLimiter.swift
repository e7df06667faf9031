import Foundation
import Synchronization

/// How long an item waits before it is retried. client-go's `DefaultControllerRateLimiter`:
/// the larger of a per-item exponential backoff and an overall token bucket.
public protocol RateLimiter: Sendable {
    /// The delay for one more retry of `item` (and records that retry).
    func when(_ item: String) -> TimeInterval
    /// Forgets `item`'s history after it succeeded.
    func forget(_ item: String)
    /// How many retries of `item` are on record.
    func retries(_ item: String) -> Int
}

/// Per-item exponential backoff: `base × 2^n`, capped.
public final class ItemExponentialRateLimiter: RateLimiter {
    /// First retry delay (client-go: 5 ms): short enough that a conflict retries at once.
    public static let defaultBase: TimeInterval = 0.005
    /// Longest delay (client-go: 1000 s): a broken object is still retried every ~17 minutes.
    public static let defaultCap: TimeInterval = 1000

    let base: TimeInterval
    let cap: TimeInterval
    let failures = Mutex([String: Int]())

    public init(base: TimeInterval = defaultBase, cap: TimeInterval = defaultCap) {
        self.base = base
        self.cap = cap
    }

    public func when(_ item: String) -> TimeInterval {
        let n = failures.withLock { f -> Int in
            let n = f[item, default: 0]
            f[item] = n + 1
            return n
        }
        // 2^n overflows Double's useful range long after the cap applies.
        return min(cap, base * pow(2, Double(min(n, 60))))
    }

    public func forget(_ item: String) { _ = failures.withLock { $0.removeValue(forKey: item) } }
    public func retries(_ item: String) -> Int { failures.withLock { $0[item, default: 0] } }
}

/// An overall token bucket: at most `burst` retries at once, refilled at `qps`.
public final class BucketRateLimiter: RateLimiter {
    /// client-go's overall retry budget: 10 per second, bursts of 100, so a mass failure
    /// (the API server restarting) cannot turn into a retry storm.
    public static let defaultQPS = 10.0
    public static let defaultBurst = 100.0

    struct Bucket {
        var tokens: Double
        var last: TimeInterval
    }
    let qps: Double
    let burst: Double
    let clock: Clock
    let bucket: Mutex<Bucket>

    public init(qps: Double = defaultQPS, burst: Double = defaultBurst, clock: Clock) {
        self.qps = qps
        self.burst = burst
        self.clock = clock
        bucket = Mutex(Bucket(tokens: burst, last: clock.now()))
    }

    /// Reserves a token and returns how long until it is available (0 when one is free now).
    public func when(_ item: String) -> TimeInterval {
        let now = clock.now()
        return bucket.withLock { b in
            b.tokens = min(burst, b.tokens + (now - b.last) * qps)
            b.last = now
            b.tokens -= 1
            return b.tokens >= 0 ? 0 : -b.tokens / qps
        }
    }

    public func forget(_ item: String) {}
    public func retries(_ item: String) -> Int { 0 }
}

/// The larger delay of several limiters; forget and retries go to all of them.
public struct MaxOfRateLimiter: RateLimiter {
    let limiters: [RateLimiter]
    public init(_ limiters: [RateLimiter]) { self.limiters = limiters }
    public func when(_ item: String) -> TimeInterval { limiters.map { $0.when(item) }.max() ?? 0 }
    public func forget(_ item: String) { limiters.forEach { $0.forget(item) } }
    public func retries(_ item: String) -> Int { limiters.map { $0.retries(item) }.max() ?? 0 }

    /// client-go's default: exponential per item (5 ms … 1000 s) and a 10 qps / 100 burst bucket.
    public static func controllerDefault(clock: Clock) -> MaxOfRateLimiter {
        MaxOfRateLimiter([ItemExponentialRateLimiter(), BucketRateLimiter(clock: clock)])
    }
}

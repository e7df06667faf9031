import Foundation
import Synchronization

/// Time as the controller machinery sees it. Everything that waits or measures goes through a
/// `Clock`, so tests drive backoff, delays and leases with `ManualClock` instead of sleeping.
public protocol Clock: Sendable {
    /// Seconds on a monotonic scale (only differences are meaningful).
    func now() -> TimeInterval
    /// Runs `work` once `delay` seconds have passed (on some thread; never on the caller's stack).
    func schedule(after delay: TimeInterval, _ work: @escaping @Sendable () -> Void)
}

/// The real clock: monotonic uptime and Dispatch timers.
public struct SystemClock: Clock {
    let queue: DispatchQueue

    public init(queue: DispatchQueue = DispatchQueue(label: "kube.runtime.clock")) { self.queue = queue }

    public func now() -> TimeInterval { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    public func schedule(after delay: TimeInterval, _ work: @escaping @Sendable () -> Void) {
        queue.asyncAfter(deadline: .now() + max(0, delay), execute: work)
    }
}

/// A clock that moves only when told. `advance(by:)` runs every callback that falls due, in
/// due order, synchronously on the caller's thread.
public final class ManualClock: Clock {
    struct Pending {
        var due: TimeInterval
        var seq: Int
        var work: @Sendable () -> Void
    }
    struct State {
        var now: TimeInterval
        var pending: [Pending] = []
        var seq = 0
    }
    let state: Mutex<State>

    public init(start: TimeInterval = 1_000) { state = Mutex(State(now: start)) }

    public func now() -> TimeInterval { state.withLock { $0.now } }

    public func schedule(after delay: TimeInterval, _ work: @escaping @Sendable () -> Void) {
        state.withLock { s in
            s.seq += 1
            s.pending.append(Pending(due: s.now + max(0, delay), seq: s.seq, work: work))
        }
    }

    /// Callbacks scheduled and not yet run.
    public var pendingCount: Int { state.withLock { $0.pending.count } }

    public func advance(by seconds: TimeInterval) {
        let target = state.withLock { $0.now + seconds }
        while true {
            let next: Pending? = state.withLock { s in
                guard let i = s.pending.indices.filter({ s.pending[$0].due <= target })
                    .min(by: { (s.pending[$0].due, s.pending[$0].seq) < (s.pending[$1].due, s.pending[$1].seq) })
                else { return nil }
                let p = s.pending.remove(at: i)
                s.now = max(s.now, p.due)
                return p
            }
            guard let next else { break }
            next.work()
        }
        state.withLock { $0.now = target }
    }
}

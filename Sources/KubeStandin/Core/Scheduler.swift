import Dispatch
import Foundation
import Synchronization

/// Delayed work (garbage collection, the readiness simulator), injectable so tests can run it
/// on demand instead of sleeping.
public protocol StandinScheduler: Sendable {
    func schedule(after seconds: Double, _ work: @escaping @Sendable () -> Void)
}

/// Runs work on a global Dispatch queue after the delay (the default).
public struct DispatchScheduler: StandinScheduler {
    public init() {}
    public func schedule(after seconds: Double, _ work: @escaping @Sendable () -> Void) {
        DispatchQueue.global().asyncAfter(deadline: .now() + max(0, seconds), execute: work)
    }
}

/// Holds work until `runDue(advancing:)` or `runAll()` is called, for deterministic tests.
///
/// Guarantees: work runs on the caller's thread, in due-time order (ties in scheduling order);
/// work scheduled while running is run too when it is due.
public final class ManualScheduler: StandinScheduler {
    struct Item { var due: Double; var seq: Int; var work: @Sendable () -> Void }
    struct State { var now: Double = 0; var seq = 0; var items: [Item] = [] }
    private let state = Mutex(State())

    public init() {}

    public func schedule(after seconds: Double, _ work: @escaping @Sendable () -> Void) {
        state.withLock { s in
            s.seq += 1
            s.items.append(Item(due: s.now + max(0, seconds), seq: s.seq, work: work))
        }
    }

    /// Number of pending work items.
    public var pendingCount: Int { state.withLock { $0.items.count } }

    /// Advances the scheduler's clock by `seconds` and runs everything due.
    public func runDue(advancing seconds: Double = 0) {
        state.withLock { $0.now += seconds }
        while let item = takeNextDue() { item.work() }
    }

    /// Runs everything, however far in the future, including work it schedules.
    public func runAll() {
        while let item = state.withLock({ s -> Item? in
            guard let i = s.items.indices.min(by: { (s.items[$0].due, s.items[$0].seq) < (s.items[$1].due, s.items[$1].seq) }) else { return nil }
            s.now = max(s.now, s.items[i].due)
            return s.items.remove(at: i)
        }) { item.work() }
    }

    private func takeNextDue() -> Item? {
        state.withLock { s in
            guard let i = s.items.indices.filter({ s.items[$0].due <= s.now })
                .min(by: { (s.items[$0].due, s.items[$0].seq) < (s.items[$1].due, s.items[$1].seq) }) else { return nil }
            return s.items.remove(at: i)
        }
    }
}

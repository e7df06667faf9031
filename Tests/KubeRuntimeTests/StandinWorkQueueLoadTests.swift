import Foundation
import Synchronization
import Testing
@testable import KubeRuntime
import TestPolling

extension StandinIntegration {
    /// The work queue under the load an informer storm puts on it (no server involved; it runs
    /// with the integration tests so it does not compete with the lease timing of its neighbours).
    /// WorkQueueTests covers mutual exclusion on 16 keys; this adds the other half of the
    /// guarantee: no re-add is lost while a key is being processed.
    @Suite struct WorkQueueUnderLoadTests {
        struct Tally {
            var stamp = 0
            var lastAdd: [Int: Int] = [:]
            var lastStart: [Int: Int] = [:]
            var runs: [Int: Int] = [:]
            var inFlight: Set<Int> = []
            var overlaps: [Int] = []
            var addersDone = 0

            /// Every key's latest processing started after its latest add.
            var caughtUp: Bool {
                lastAdd.allSatisfy { key, added in (lastStart[key] ?? -1) > added }
            }
        }

        @Test func eightWorkersTenThousandAddsNoOverlapNoLostReAdd() throws {
            let keys = 200, adders = 4, addsPerAdder = 2_500
            let q = WorkQueue<Int>(clock: SystemClock())
            let tally = Mutex(Tally())
            let workers = Workers(queue: q, count: 8) { key in
                tally.withLock { t in
                    t.stamp += 1
                    t.lastStart[key] = t.stamp
                    t.runs[key, default: 0] += 1
                    if !t.inFlight.insert(key).inserted { t.overlaps.append(key) }
                }
                usleep(UInt32.random(in: 0...200))
                tally.withLock { t in _ = t.inFlight.remove(key) }
                return .done
            }
            workers.start()
            for a in 0..<adders {
                Thread.detachNewThread {
                    var rng = SystemRandomNumberGenerator()
                    for i in 0..<addsPerAdder {
                        let key = (i * 7 + a * 13 + Int.random(in: 0..<3, using: &rng)) % keys
                        // Stamp first, then add: a processing that starts after this add has a
                        // later stamp.
                        tally.withLock { t in
                            t.stamp += 1
                            t.lastAdd[key] = t.stamp
                        }
                        q.add(key)
                        if i % 64 == 0 { usleep(100) }
                    }
                    tally.withLock { $0.addersDone += 1 }
                }
            }
            // Bounded wait for the condition the queue promises, not for a time.
            let settled = pollUntil(30) { tally.withLock { $0.addersDone == adders && $0.inFlight.isEmpty && $0.caughtUp } }
            #expect(workers.stop(drainTimeout: 5))
            let t = tally.withLock { $0 }
            let behind = t.lastAdd.keys.sorted().filter { (t.lastStart[$0] ?? -1) <= t.lastAdd[$0]! }
            #expect(settled, "keys added after their last processing started and never processed again: \(behind.prefix(10))")
            #expect(t.overlaps.isEmpty, "keys processed by two workers at once: \(t.overlaps.prefix(10))")
            #expect(t.lastAdd.count == keys)
            #expect(t.runs.count == keys)
            let total = t.runs.values.reduce(0, +)
            #expect(total <= adders * addsPerAdder, "the queue deduplicates: never more runs than adds")
        }
    }
}

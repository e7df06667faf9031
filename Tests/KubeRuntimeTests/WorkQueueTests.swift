import Foundation
import Synchronization
import Testing
@testable import KubeRuntime

@Suite struct WorkQueueTests {
    @Test func waitingKeysAreDeduplicated() {
        let q = WorkQueue<String>(clock: ManualClock())
        for _ in 0..<5 { q.add("a") }
        q.add("b")
        #expect(q.count == 2)
        #expect(q.get() == "a")
        #expect(q.get() == "b")
        #expect(q.count == 0)
    }

    @Test func reAddDuringProcessingRunsOnceAfterDone() {
        let q = WorkQueue<String>(clock: ManualClock())
        q.add("a")
        let key = q.get()
        #expect(key == "a")
        q.add("a")
        q.add("a")
        #expect(q.count == 0, "a key being processed is not handed out again")
        q.done("a")
        #expect(q.count == 1)
        #expect(q.get() == "a")
        q.done("a")
        #expect(q.count == 0)
    }

    @Test func delayedAddsWaitForTheClock() {
        let clock = ManualClock()
        let q = WorkQueue<String>(clock: clock)
        q.addAfter("a", 5)
        #expect(q.count == 0)
        clock.advance(by: 4.9)
        #expect(q.count == 0)
        clock.advance(by: 0.2)
        #expect(q.count == 1)
    }

    @Test func exponentialBackoffGrowsCapsAndForgets() {
        let limiter = ItemExponentialRateLimiter(base: 0.005, cap: 1000)
        let delays = (0..<5).map { _ in limiter.when("k") }
        #expect(delays == [0.005, 0.01, 0.02, 0.04, 0.08])
        #expect(limiter.retries("k") == 5)
        for _ in 0..<40 { _ = limiter.when("k") }
        #expect(limiter.when("k") == 1000)
        limiter.forget("k")
        #expect(limiter.retries("k") == 0)
        #expect(limiter.when("k") == 0.005)
        #expect(limiter.when("other") == 0.005, "backoff is per item")
    }

    @Test func tokenBucketLimitsOverallRetryRate() {
        let clock = ManualClock()
        let bucket = BucketRateLimiter(qps: 10, burst: 3, clock: clock)
        #expect((0..<3).map { _ in bucket.when("x") } == [0, 0, 0])
        #expect(abs(bucket.when("x") - 0.1) < 1e-9)
        #expect(abs(bucket.when("y") - 0.2) < 1e-9)
        clock.advance(by: 10)
        #expect(bucket.when("z") == 0)
    }

    @Test func rateLimitedAddsUseTheLargerDelay() {
        let clock = ManualClock()
        let q = WorkQueue<String>(clock: clock, rateLimiter: MaxOfRateLimiter([ItemExponentialRateLimiter(base: 1, cap: 100), BucketRateLimiter(qps: 10, burst: 100, clock: clock)]))
        q.addRateLimited("a")
        q.addRateLimited("a")
        #expect(q.numRequeues("a") == 2)
        clock.advance(by: 1)
        #expect(q.count == 1)
        _ = q.get()
        q.done("a")
        clock.advance(by: 1)
        #expect(q.count == 1, "second retry waited 2 s")
        q.forget("a")
        #expect(q.numRequeues("a") == 0)
    }

    @Test func shutDownEndsGetAndIgnoresAdds() {
        let q = WorkQueue<String>(clock: ManualClock())
        q.shutDown()
        q.add("a")
        #expect(q.get() == nil)
    }

    @Test func noKeyIsEverProcessedByTwoWorkersAtOnce() throws {
        let q = WorkQueue<Int>(clock: SystemClock())
        struct Tally {
            var inFlight: Set<Int> = []
            var overlaps = 0
            var runs = 0
        }
        let tally = Mutex(Tally())
        let workers = Workers(queue: q, count: 8) { key in
            tally.withLock { t in
                if !t.inFlight.insert(key).inserted { t.overlaps += 1 }
                t.runs += 1
            }
            usleep(50)
            tally.withLock { t in _ = t.inFlight.remove(key) }
            return .done
        }
        workers.start()
        DispatchQueue.concurrentPerform(iterations: 4) { _ in
            for i in 0..<2000 { q.add(i % 16) }
        }
        // Wait (bounded) until everything added has been processed.
        let deadline = Date().addingTimeInterval(20)
        while (q.count > 0 || tally.withLock { !$0.inFlight.isEmpty }) && Date() < deadline { usleep(1000) }
        #expect(workers.stop(drainTimeout: 5))
        let t = tally.withLock { $0 }
        #expect(t.overlaps == 0)
        #expect(t.runs >= 16 && t.runs <= 8000)
    }

    @Test func errorsRequeueWithBackoffAndSuccessForgets() throws {
        let clock = ManualClock()
        let q = WorkQueue<String>(clock: clock, rateLimiter: ItemExponentialRateLimiter(base: 1, cap: 60))
        let attempts = Mutex(0)
        struct Boom: Error {}
        let workers = Workers(queue: q, count: 1, clock: clock) { _ in
            let n = attempts.withLock { $0 += 1; return $0 }
            if n < 3 { throw Boom() }
            return .done
        }
        workers.start()
        q.add("k")
        func waitFor(_ n: Int) {
            let deadline = Date().addingTimeInterval(5)
            while attempts.withLock({ $0 }) < n && Date() < deadline { usleep(500) }
        }
        waitFor(1)
        #expect(attempts.withLock { $0 } == 1)
        // The retry is 1 s away on the manual clock.
        let deadline = Date().addingTimeInterval(5)
        while clock.pendingCount == 0 && Date() < deadline { usleep(500) }
        clock.advance(by: 1)
        waitFor(2)
        while clock.pendingCount == 0 && Date() < deadline { usleep(500) }
        #expect(q.numRequeues("k") == 2)
        clock.advance(by: 2)
        waitFor(3)
        let settle = Date().addingTimeInterval(5)
        while q.numRequeues("k") != 0 && Date() < settle { usleep(500) }
        #expect(q.numRequeues("k") == 0, "success forgets the history")
        #expect(workers.stop(drainTimeout: 5))
    }

    @Test func drainWaitsForInFlightWork() {
        let q = WorkQueue<String>(clock: SystemClock())
        let finished = Mutex(false)
        let started = DispatchSemaphore(value: 0)
        let workers = Workers(queue: q, count: 1) { _ in
            started.signal()
            usleep(200_000)
            finished.withLock { $0 = true }
            return .done
        }
        workers.start()
        q.add("slow")
        #expect(started.wait(timeout: .now() + 5) == .success)
        #expect(workers.stop(drainTimeout: 10))
        #expect(finished.withLock { $0 })
    }
}

import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
import KubeStandin
@testable import KubeRuntime
import TestPolling

/// A `ClientLeaseStore` that can be cut off from the server, as a replica behind a network
/// partition (or hung) would be: every call fails while partitioned. It remembers the last Lease
/// it wrote, as the server stored it, and can hold the answer of the next update (written on
/// the server, not yet seen by the elector).
final class PartitionableLeaseStore: LeaseStore {
    struct Partitioned: Error {}
    struct Hold {
        var armed = false
        let written = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
        let returned = DispatchSemaphore(value: 0)
    }
    let inner: ClientLeaseStore
    let partitioned = Mutex(false)
    let lastWritten = Mutex<Lease?>(nil)
    let hold = Mutex(Hold())

    init(client: KubeClient) { inner = ClientLeaseStore(client: client) }

    func get(namespace: String, name: String) throws -> Lease? {
        try check()
        return try inner.get(namespace: namespace, name: name)
    }

    func create(_ lease: Lease) throws -> Lease {
        try check()
        let stored = try inner.create(lease)
        lastWritten.withLock { $0 = stored }
        return stored
    }

    func update(_ lease: Lease) throws -> Lease {
        try check()
        let stored = try inner.update(lease)
        lastWritten.withLock { $0 = stored }
        let (armed, written, release, returned) = hold.withLock { h in
            defer { h.armed = false }
            return (h.armed, h.written, h.release, h.returned)
        }
        if armed {
            written.signal()
            release.wait()
        }
        defer { if armed { returned.signal() } }
        return stored
    }

    func isConflict(_ error: Error) -> Bool { inner.isConflict(error) }

    private func check() throws {
        if partitioned.withLock({ $0 }) { throw Partitioned() }
    }
}

/// What an elector's callbacks reported.
final class CallbackTally: Sendable {
    let started = Mutex(0)
    let stopped = Mutex(0)
    let observed = Mutex<[String]>([])
}

/// One candidate: its elector and what its callbacks reported.
final class Candidate: Sendable {
    let store: PartitionableLeaseStore
    let elector: LeaderElector
    let tally = CallbackTally()

    init(_ identity: String, client: KubeClient, timing: LeaderElectionTiming) throws {
        let store = PartitionableLeaseStore(client: client)
        self.store = store
        let tally = self.tally
        elector = try LeaderElector(
            namespace: StandinIntegration.StandinLeaderElectionTests.leaseNamespace, name: StandinIntegration.StandinLeaderElectionTests.leaseName,
            identity: identity, store: store, timing: timing, clock: SystemClock(),
            callbacks: .init(onStartedLeading: { tally.started.withLock { $0 += 1 } },
                             onStoppedLeading: { tally.stopped.withLock { $0 += 1 } },
                             onNewLeader: { holder in tally.observed.withLock { $0.append(holder) } }))
    }

    var identity: String { elector.identity }
    var isLeader: Bool { elector.isLeader }
    var startedCount: Int { tally.started.withLock { $0 } }
    var stoppedCount: Int { tally.stopped.withLock { $0 } }
    var observed: [String] { tally.observed.withLock { $0 } }
}

/// Samples `isLeader` of every candidate until stopped and counts the samples in which two
/// led at once. Each sample reads the first leader again after the others, so a hand-over
/// between two reads is not mistaken for an overlap.
final class OverlapSampler: Sendable {
    let candidates: Mutex<[Candidate]>
    let overlaps = Mutex<[String]>([])
    let samples = Mutex(0)
    let done = Mutex(false)
    let finished = DispatchSemaphore(value: 0)

    init(_ candidates: [Candidate]) {
        self.candidates = Mutex(candidates)
        Thread.detachNewThread { [self] in
            while !done.withLock({ $0 }) {
                let all = self.candidates.withLock { $0 }
                for (i, a) in all.enumerated() where a.isLeader {
                    for b in all[(i + 1)...] where b.isLeader && a.isLeader {
                        overlaps.withLock { $0.append("\(a.identity) and \(b.identity)") }
                    }
                }
                samples.withLock { $0 += 1 }
                usleep(500)
            }
            finished.signal()
        }
    }

    func add(_ c: Candidate) { candidates.withLock { $0.append(c) } }

    func stop() -> (overlaps: [String], samples: Int) {
        done.withLock { $0 = true }
        _ = finished.wait(timeout: .now() + 5)
        return (overlaps.withLock { $0 }, samples.withLock { $0 })
    }
}

extension StandinIntegration {
    /// `LeaderElector` over `ClientLeaseStore` over `KubeClient` over real Leases in the stand-in,
    /// on the system clock.
    @Suite struct StandinLeaderElectionTests {
        static let leaseNamespace = "default"
        static let leaseName = "standin-election"
        /// Short, and valid: 3 > 1.5 and 1.5 > 1.2 × 0.2. The 1.5 s between the leader giving up
        /// (renewDeadline) and the lease expiring (leaseDuration) is the safety margin.
        static let timing = LeaderElectionTiming(leaseDuration: 3, renewDeadline: 1.5, retryPeriod: 0.2)

        func lease(_ cluster: StandinCluster) throws -> Lease {
            try cluster.client.get(Lease.self, namespace: Self.leaseNamespace, name: Self.leaseName)
        }

        func time(_ text: String?) throws -> Date { try #require(text.flatMap(KubeTime.parse)) }

        /// Two candidates sampled for overlaps: `elector-a` started first and leads, `elector-b`
        /// started after it and has seen it lead. The caller releases both.
        func aLeadingBStandingBy(_ cluster: StandinCluster) throws -> (a: Candidate, b: Candidate, sampler: OverlapSampler) {
            let a = try Candidate("elector-a", client: cluster.client, timing: Self.timing)
            let b = try Candidate("elector-b", client: cluster.client, timing: Self.timing)
            let sampler = OverlapSampler([a, b])
            a.elector.run()
            #expect(pollUntil(20) { a.isLeader })
            b.elector.run()
            #expect(pollUntil(20) { b.observed.contains("elector-a") })
            return (a, b, sampler)
        }

        @Test func oneLeaderRenewsAndReleaseHandsOverBeforeTheLeaseWouldExpire() throws {
            #expect(throws: Never.self) { try Self.timing.validate() }
            let cluster = try StandinCluster()
            defer { cluster.stop() }
            let a = try Candidate("elector-a", client: cluster.client, timing: Self.timing)
            let b = try Candidate("elector-b", client: cluster.client, timing: Self.timing)
            let sampler = OverlapSampler([a, b])
            a.elector.run()
            b.elector.run()
            defer { a.elector.release(); b.elector.release() }

            #expect(pollUntil(20) { a.isLeader || b.isLeader })
            let (leader, standby) = a.isLeader ? (a, b) : (b, a)
            let first = try lease(cluster)
            #expect(first.spec?.holderIdentity == leader.identity)
            #expect(first.spec?.leaseTransitions == 0)
            #expect(first.spec?.leaseDurationSeconds == 3)
            #expect(pollUntil(20) { standby.observed.contains(leader.identity) }, "the standby sees who leads")

            // The leader keeps renewing: the lease lives past its first expiry with the same holder,
            // and the standby never takes it.
            let acquired = try time(first.spec?.acquireTime)
            #expect(try pollUntil(20) { try time(lease(cluster).spec?.renewTime) > acquired.addingTimeInterval(Self.timing.leaseDuration + 0.5) })
            let renewed = try lease(cluster)
            #expect(renewed.spec?.holderIdentity == leader.identity)
            #expect(renewed.spec?.leaseTransitions == 0)
            #expect(leader.isLeader && !standby.isLeader)
            #expect(standby.startedCount == 0)

            // Release: the standby takes over at its next try, long before the released lease
            // would have expired (its last renewal plus leaseDuration).
            let beforeRelease = try time(lease(cluster).spec?.renewTime)
            leader.elector.release()
            #expect(!leader.isLeader)
            #expect(leader.stoppedCount == 1)
            #expect(pollUntil(20) { standby.isLeader })
            let takenOver = try lease(cluster)
            #expect(takenOver.spec?.holderIdentity == standby.identity)
            #expect(takenOver.spec?.leaseTransitions == 1)
            #expect(try time(takenOver.spec?.acquireTime) < beforeRelease.addingTimeInterval(Self.timing.leaseDuration),
                    "the hand-over did not wait for the lease to expire")

            // A third candidate joins; the second leader releases; transitions count on.
            let c = try Candidate("elector-c", client: cluster.client, timing: Self.timing)
            sampler.add(c)
            c.elector.run()
            defer { c.elector.release() }
            #expect(pollUntil(20) { c.observed.contains(standby.identity) })
            #expect(!c.isLeader)
            standby.elector.release()
            #expect(pollUntil(20) { c.isLeader })
            let third = try lease(cluster)
            #expect(third.spec?.holderIdentity == "elector-c")
            #expect(third.spec?.leaseTransitions == 2)

            let (overlaps, samples) = sampler.stop()
            #expect(samples > 100)
            #expect(overlaps.isEmpty, "two leaders at once: \(overlaps.prefix(3))")
        }

        /// `release()` while a renewal is on the wire: the renewal is written on the server but
        /// its answer has not reached the elector yet. The elector must end up released (not
        /// leading, the lease free), whichever finishes first.
        @Test func releaseDuringAnInFlightRenewalStaysReleased() throws {
            let cluster = try StandinCluster()
            defer { cluster.stop() }
            let a = try Candidate("elector-a", client: cluster.client, timing: Self.timing)
            a.elector.run()
            defer { a.elector.release() }
            #expect(pollUntil(20) { a.isLeader })

            let hold = a.store.hold.withLock { h in
                h.armed = true
                return h
            }
            #expect(hold.written.wait(timeout: .now() + 20) == .success, "a renewal reached the server")
            let released = DispatchSemaphore(value: 0)
            Thread.detachNewThread {
                a.elector.release()
                released.signal()
            }
            // Give release() its chance to run ahead of the held renewal (bounded; it may also wait
            // for the renewal to finish, which is the other correct order).
            let releasedFirst = released.wait(timeout: .now() + 1) == .success
            hold.release.signal()
            #expect(hold.returned.wait(timeout: .now() + 20) == .success)
            #expect(releasedFirst || released.wait(timeout: .now() + 20) == .success)
            // Let any tick the renewal belonged to finish its bookkeeping and any next one fire.
            Thread.sleep(forTimeInterval: Self.timing.retryPeriod * 3)
            #expect(!a.isLeader, "a released elector must not lead again")
            #expect(a.stoppedCount == 1)
            let lease = try lease(cluster)
            #expect(lease.spec?.holderIdentity == "", "the lease is released, not renewed after the release")
        }

        @Test func aLeaderThatStopsRenewingIsReplacedOnlyAfterTheLeaseExpires() throws {
            let cluster = try StandinCluster()
            defer { cluster.stop() }
            let (a, b, sampler) = try aLeadingBStandingBy(cluster)
            defer { a.elector.release(); b.elector.release() }

            // a is cut off: it can neither renew nor release.
            a.store.partitioned.withLock { $0 = true }
            // Its renewals fail; past renewDeadline it stops leading and says so.
            #expect(pollUntil(20) { !a.isLeader })
            #expect(a.stoppedCount == 1)
            #expect(pollUntil(20) { b.isLeader })
            let lastRenewal = try #require(a.store.lastWritten.withLock { $0 })
            let taken = try lease(cluster)
            #expect(taken.spec?.holderIdentity == "elector-b")
            #expect(taken.spec?.leaseTransitions == (lastRenewal.spec?.leaseTransitions ?? -1) + 1)
            // The elector stamps acquireTime just before it reads the lease and checks expiry, so
            // allow that one read's latency; a standby that ignored the lease would be ~1.5 s early.
            #expect(try time(taken.spec?.acquireTime) >= time(lastRenewal.spec?.renewTime).addingTimeInterval(Self.timing.leaseDuration - 0.25),
                    "the standby honoured the lease until it expired")
            #expect(b.startedCount == 1)

            // Back from the partition, a finds a live lease held by b and stays a standby.
            a.store.partitioned.withLock { $0 = false }
            #expect(pollUntil(20) { a.observed.contains("elector-b") })
            #expect(!a.isLeader && b.isLeader)
            #expect(a.startedCount == 1)

            let (overlaps, _) = sampler.stop()
            #expect(overlaps.isEmpty, "two leaders at once: \(overlaps.prefix(3))")
        }

        @Test func aLeaderWhoseRenewalsFailOnTheServerStopsLeadingAfterTheRenewDeadline() throws {
            let cluster = try StandinCluster()
            defer { cluster.stop() }
            let (a, b, sampler) = try aLeadingBStandingBy(cluster)
            defer { a.elector.release(); b.elector.release() }

            // The API server answers every Lease update with 500 (reads still work).
            cluster.api.resetRequestCounts()
            cluster.api.faults.failNext(1_000_000, FaultInjector.Match(verb: "update", pathContains: "/leases/"), with: FaultInjector.Failure(status: 500))
            #expect(pollUntil(20) { !a.isLeader })
            #expect(a.stoppedCount == 1)
            #expect(cluster.api.requestCounts()["update leases.coordination.k8s.io", default: 0] > 1, "a tried to renew")
            // No one can write the lease, so no one leads (b's takeover attempts fail too).
            let stuck = try lease(cluster)
            #expect(stuck.spec?.holderIdentity == "elector-a")
            #expect(!b.isLeader)

            // Once the server heals, exactly one of them leads again.
            cluster.api.faults.clear()
            #expect(pollUntil(20) { a.isLeader || b.isLeader })
            let healed = try lease(cluster)
            let leader = a.isLeader ? a : b
            #expect(healed.spec?.holderIdentity == leader.identity)
            #expect(healed.spec?.leaseTransitions == (leader === a ? 0 : 1))

            let (overlaps, _) = sampler.stop()
            #expect(overlaps.isEmpty, "two leaders at once: \(overlaps.prefix(3))")
        }
    }
}

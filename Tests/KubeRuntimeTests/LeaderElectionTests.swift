import Foundation
import Synchronization
import Testing
import KubeModel
@testable import KubeRuntime

/// An in-memory Lease store with optimistic concurrency; `cutOff` simulates a partitioned elector.
final class MemoryLeaseStore: LeaseStore, @unchecked Sendable {
    struct Conflict: Error {}
    struct Unreachable: Error {}
    let leases = Mutex([String: Lease]())
    let rv = Mutex(0)

    func get(namespace: String, name: String) throws -> Lease? { leases.withLock { $0["\(namespace)/\(name)"] } }
    func create(_ lease: Lease) throws -> Lease {
        try leases.withLock { l in
            let key = "\(lease.metadata.namespace!)/\(lease.metadata.name!)"
            guard l[key] == nil else { throw Conflict() }
            var stored = lease
            stored.metadata.resourceVersion = String(rv.withLock { $0 += 1; return $0 })
            l[key] = stored
            return stored
        }
    }
    func update(_ lease: Lease) throws -> Lease {
        try leases.withLock { l in
            let key = "\(lease.metadata.namespace!)/\(lease.metadata.name!)"
            guard let current = l[key], current.metadata.resourceVersion == lease.metadata.resourceVersion else { throw Conflict() }
            var stored = lease
            stored.metadata.resourceVersion = String(rv.withLock { $0 += 1; return $0 })
            l[key] = stored
            return stored
        }
    }
    func isConflict(_ error: Error) -> Bool { error is Conflict }
}

/// A view of a shared store that can be cut off from it.
final class PartitionableStore: LeaseStore, @unchecked Sendable {
    let inner: MemoryLeaseStore
    let cut = Mutex(false)
    init(_ inner: MemoryLeaseStore) { self.inner = inner }
    func check() throws { if cut.withLock({ $0 }) { throw MemoryLeaseStore.Unreachable() } }
    func get(namespace: String, name: String) throws -> Lease? { try check(); return try inner.get(namespace: namespace, name: name) }
    func create(_ lease: Lease) throws -> Lease { try check(); return try inner.create(lease) }
    func update(_ lease: Lease) throws -> Lease { try check(); return try inner.update(lease) }
    func isConflict(_ error: Error) -> Bool { inner.isConflict(error) }
}

final class EventLog: Sendable {
    let entries = Mutex([String]())
    func append(_ s: String) { entries.withLock { $0.append(s) } }
    var all: [String] { entries.withLock { $0 } }
}

@Suite struct LeaderElectionTests {
    let clock = ManualClock(start: 1_800_000_000)
    let shared = MemoryLeaseStore()

    func elector(_ id: String, store: LeaseStore? = nil, log: EventLog) throws -> LeaderElector {
        let clock = self.clock
        return try LeaderElector(
            namespace: "dynamo-system", name: "dynamo-operator-leader", identity: id, store: store ?? shared,
            clock: clock, wallClock: { Date(timeIntervalSince1970: clock.now()) },
            callbacks: .init(onStartedLeading: { log.append("\(id) started") },
                             onStoppedLeading: { log.append("\(id) stopped") }))
    }

    @Test func exactlyOneLeadsAndTheOtherTakesOverAfterRelease() throws {
        let log = EventLog()
        let a = try elector("a", log: log)
        let b = try elector("b", log: log)
        a.run()
        b.run()
        for _ in 0..<10 {
            clock.advance(by: 1)
            #expect(!(a.isLeader && b.isLeader))
        }
        #expect(a.isLeader && !b.isLeader)
        #expect(shared.leases.withLock { $0.values.first?.spec?.holderIdentity } == "a")

        a.release()
        #expect(!a.isLeader)
        clock.advance(by: 2)
        #expect(b.isLeader, "a released lease is taken on the next retry, not after expiry")
        #expect(log.all == ["a started", "a stopped", "b started"])
        #expect(shared.leases.withLock { $0.values.first?.spec?.leaseTransitions } == 1)
    }

    @Test func standbyTakesOverOnlyAfterExpiryAndThePartitionedLeaderSteppedDown() throws {
        let log = EventLog()
        let cutA = PartitionableStore(shared)
        let a = try elector("a", store: cutA, log: log)
        a.run()
        clock.advance(by: 1)
        let b = try elector("b", log: log)
        b.run()
        clock.advance(by: 4)
        #expect(a.isLeader && !b.isLeader)

        cutA.cut.withLock { $0 = true }
        var bLeadAt: Int?
        var aStoppedAt: Int?
        for second in 1...30 {
            clock.advance(by: 1)
            #expect(!(a.isLeader && b.isLeader), "never two leaders")
            if aStoppedAt == nil && !a.isLeader { aStoppedAt = second }
            if bLeadAt == nil && b.isLeader { bLeadAt = second }
        }
        let stopped = try #require(aStoppedAt)
        let took = try #require(bLeadAt)
        #expect(stopped <= 12, "a gives up within the renew deadline (+ one retry)")
        #expect(took >= 14, "b waits for the 15 s lease to expire")
        #expect(took > stopped)
    }

    @Test func invalidTimingsAreRejected() {
        #expect(throws: LeaderElectionError.self) { try LeaderElectionTiming(leaseDuration: 10, renewDeadline: 10, retryPeriod: 2).validate() }
        #expect(throws: LeaderElectionError.self) { try LeaderElectionTiming(leaseDuration: 15, renewDeadline: 2, retryPeriod: 2).validate() }
        #expect(throws: Never.self) { try LeaderElectionTiming().validate() }
    }

    @Test func identityIsHostnameAndUUID() {
        let id = LeaderElector.defaultIdentity()
        #expect(id.hasPrefix(ProcessInfo.processInfo.hostName + "_"))
        #expect(id.count > ProcessInfo.processInfo.hostName.count + 30)
    }
}

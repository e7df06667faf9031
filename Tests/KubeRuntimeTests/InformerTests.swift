import Foundation
import Synchronization
import Testing
import KubeModel
@testable import KubeRuntime
import TestPolling

/// A scripted list/watch source: `objects` answers lists (paginated), each watch call takes the
/// next scripted session, and with none left it blocks until stopped.
final class FakeSource: ListerWatcher, @unchecked Sendable {
    typealias Object = Deployment
    struct Expired: Error {}
    struct Broken: Error {}
    enum End { case close, expire, fail }
    struct Session { var events: [InformerEvent<Deployment>]; var end: End }

    struct State {
        var objects: [Deployment] = []
        var listRV = "100"
        var sessions: [Session] = []
        /// Later list snapshots: each new (unpaged) list after the first takes the next one.
        var laterSnapshots: [([Deployment], String)] = []
        var listsStarted = 0
        var listCalls: [ListPage] = []
        var watchRVs: [String] = []
    }
    let state = Mutex(State())

    func list(_ page: ListPage) throws -> ObjectList<Deployment> {
        state.withLock { s in
            s.listCalls.append(page)
            if page.continueToken == nil {
                s.listsStarted += 1
                if s.listsStarted > 1, !s.laterSnapshots.isEmpty {
                    (s.objects, s.listRV) = s.laterSnapshots.removeFirst()
                }
            }
            let sorted = s.objects.sorted { $0.metadata.name! < $1.metadata.name! }
            let start = Int(page.continueToken ?? "0")!
            let end = min(sorted.count, start + page.limit)
            let next = end < sorted.count ? String(end) : nil
            return ObjectList(metadata: ListMeta(resourceVersion: s.listRV, continue: next), items: Array(sorted[start..<end]))
        }
    }

    func watch(resourceVersion: String, timeoutSeconds: Int, stop: WatchStop, onEvent: (InformerEvent<Deployment>) throws -> Void) throws {
        let session: Session? = state.withLock { s in
            s.watchRVs.append(resourceVersion)
            return s.sessions.isEmpty ? nil : s.sessions.removeFirst()
        }
        guard let session else {
            while !stop.isStopped { usleep(2_000) }
            return
        }
        for e in session.events { try onEvent(e) }
        switch session.end {
        case .close: return
        case .expire: throw Expired()
        case .fail: throw Broken()
        }
    }

    func isExpired(_ error: Error) -> Bool { error is Expired }

    var watchRVs: [String] { state.withLock { $0.watchRVs } }
}

func deployment(_ name: String, rv: String = "1", ns: String = "ns", owner: String? = nil) -> Deployment {
    var meta = ObjectMeta(name: name, namespace: ns, uid: "uid-\(name)", resourceVersion: rv)
    meta.managedFields = [["manager": "kubectl"]]
    if let owner { meta.ownerReferences = [OwnerReference(apiVersion: "nvidia.com/v1alpha1", kind: "DynamoDeployment", name: owner, uid: "owner-\(owner)", controller: true)] }
    return Deployment(metadata: meta)
}

final class Recorder: Sendable {
    let log = Mutex([String]())
    var all: [String] { log.withLock { $0 } }
    func handlers() -> Informer<FakeSource>.Handlers {
        .init(onAdd: { o in self.log.withLock { $0.append("add \(o.metadata.name!)") } },
              onUpdate: { _, n in self.log.withLock { $0.append("update \(n.metadata.name!)") } },
              onDelete: { o in self.log.withLock { $0.append("delete \(o.metadata.name!)") } })
    }
}

@Suite struct InformerTests {
    @Test func listsInPagesThenWatchesFromTheListVersion() throws {
        let source = FakeSource()
        source.state.withLock { s in s.objects = (0..<1200).map { deployment(String(format: "d%04d", $0)) } }
        let rec = Recorder()
        let informer = Informer(source: source, handlers: rec.handlers(), clock: ManualClock(), random: { 0.5 })
        informer.run()
        defer { informer.stop() }
        #expect(pollUntil(5) { informer.hasSynced && source.watchRVs.count == 1 })
        #expect(source.state.withLock { $0.listCalls.map(\.limit) } == [500, 500, 500])
        #expect(informer.store.count == 1200)
        #expect(source.watchRVs == ["100"])
        #expect(rec.all.filter { $0.hasPrefix("add") }.count == 1200)
        #expect(informer.store.list().allSatisfy { $0.metadata.managedFields == nil }, "managedFields are dropped")
    }

    @Test func appliesEventsAndResumesFromBookmarks() throws {
        let source = FakeSource()
        source.state.withLock { s in
            s.objects = [deployment("a", owner: "dd")]
            s.sessions = [FakeSource.Session(events: [
                .added(deployment("b", rv: "101", owner: "dd")),
                .modified(deployment("a", rv: "102", owner: "dd")),
                .deleted(deployment("b", rv: "103")),
                .bookmark(resourceVersion: "150"),
            ], end: .close)]
        }
        let rec = Recorder()
        let informer = Informer(source: source, handlers: rec.handlers(), clock: ManualClock(), random: { 0 })
        informer.run()
        defer { informer.stop() }
        #expect(pollUntil(5) { source.watchRVs.count == 2 })
        #expect(source.watchRVs == ["100", "150"], "the bookmark's version is where the next watch resumes")
        #expect(rec.all == ["add a", "add b", "update a", "delete b"])
        #expect(informer.store.byOwnerUID("owner-dd").map { $0.metadata.name } == ["a"])
        #expect(informer.store.list(namespace: "ns").count == 1)
    }

    @Test func relistsAfterExpiryAndDeletesWhatVanished() throws {
        let source = FakeSource()
        source.state.withLock { s in
            s.objects = [deployment("a"), deployment("b"), deployment("c")]
            s.sessions = [FakeSource.Session(events: [], end: .expire)]
            // While the first watch runs, b and c vanish and d appears, unseen by the informer.
            s.laterSnapshots = [([deployment("a", rv: "5"), deployment("d")], "300")]
        }
        let rec = Recorder()
        let informer = Informer(source: source, handlers: rec.handlers(), clock: ManualClock(), random: { 0 })
        informer.run()
        defer { informer.stop() }
        #expect(pollUntil(5) { source.watchRVs.last == "300" })
        let log = rec.all
        #expect(log.contains("delete b") && log.contains("delete c"))
        #expect(log.contains("add d") && log.contains("update a"))
        #expect(Set(informer.store.keys.map(\.name)) == ["a", "d"])
    }

    @Test func reconnectsWithBackoffAfterAFailure() throws {
        let clock = ManualClock()
        let source = FakeSource()
        source.state.withLock { s in
            s.objects = [deployment("a")]
            s.sessions = [FakeSource.Session(events: [], end: .fail), FakeSource.Session(events: [], end: .fail)]
        }
        let informer = Informer(source: source, clock: clock, random: { 0 })
        informer.run()
        defer { informer.stop() }
        #expect(pollUntil(5) { source.watchRVs.count == 1 && clock.pendingCount == 1 })
        clock.advance(by: 0.7)
        usleep(100_000)
        #expect(source.watchRVs.count == 1, "no reconnect before 0.8 s")
        clock.advance(by: 0.1)
        #expect(pollUntil(5) { source.watchRVs.count == 2 && clock.pendingCount == 1 })
        clock.advance(by: 1.5)
        usleep(100_000)
        #expect(source.watchRVs.count == 2, "the second wait is 1.6 s")
        clock.advance(by: 0.1)
        #expect(pollUntil(5) { source.watchRVs.count == 3 })
        #expect(source.state.withLock { $0.listCalls.count } == 1, "a plain failure does not relist")
    }

    @Test func resyncReplaysTheCache() throws {
        let clock = ManualClock()
        let source = FakeSource()
        source.state.withLock { $0.objects = [deployment("a"), deployment("b")] }
        let rec = Recorder()
        let informer = Informer(source: source, handlers: rec.handlers(), clock: clock, resyncPeriod: 60, random: { 0 })
        informer.run()
        defer { informer.stop() }
        #expect(pollUntil(5) { informer.hasSynced })
        clock.advance(by: 60)
        #expect(rec.all.filter { $0.hasPrefix("update") }.sorted() == ["update a", "update b"])
    }

    /// A resync that falls due while a watch event's handler runs waits for it: handlers never
    /// run concurrently (without the delivery lock the replay would run inside the window).
    @Test func resyncNeverOverlapsAWatchEventsHandler() throws {
        let clock = ManualClock()
        let source = FakeSource()
        source.state.withLock { s in
            s.objects = [deployment("a"), deployment("b")]
            s.sessions = [FakeSource.Session(events: [.modified(deployment("a", rv: "2"))], end: .close)]
        }
        struct Log { var inWatchHandler = false; var overlaps = 0; var resyncUpdates = 0 }
        let log = Mutex(Log())
        let entered = DispatchSemaphore(value: 0), release = DispatchSemaphore(value: 0)
        let handlers = Informer<FakeSource>.Handlers(onUpdate: { old, new in
            if old.metadata.resourceVersion == new.metadata.resourceVersion {  // the resync's replay
                log.withLock { l in
                    l.resyncUpdates += 1
                    if l.inWatchHandler { l.overlaps += 1 }
                }
            } else {  // the watch event: hold the handler open
                log.withLock { $0.inWatchHandler = true }
                entered.signal()
                _ = release.wait(timeout: .now() + 5)
                log.withLock { $0.inWatchHandler = false }
            }
        })
        let informer = Informer(source: source, handlers: handlers, clock: clock, resyncPeriod: 60, random: { 0 })
        informer.run()
        defer { informer.stop() }
        #expect(entered.wait(timeout: .now() + 5) == .success)
        let resynced = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            clock.advance(by: 60)
            resynced.signal()
        }
        usleep(100_000)  // ample time for the replay to run, were it not held back
        #expect(log.withLock { $0.resyncUpdates } == 0)
        release.signal()
        #expect(resynced.wait(timeout: .now() + 5) == .success)
        #expect(log.withLock { $0.overlaps } == 0)
        #expect(log.withLock { $0.resyncUpdates } == 2)
    }

    @Test func filtersAndOwnerKeys() {
        var a = ObjectMeta(name: "x", namespace: "ns", generation: 1)
        var b = a
        #expect(!EventFilters.specOrMetadataChanged(a, b), "a status-only write is filtered out")
        b.generation = 2
        #expect(EventFilters.specOrMetadataChanged(a, b))
        b = a
        b.deletionTimestamp = "2026-11-22T00:00:00Z"
        #expect(EventFilters.specOrMetadataChanged(a, b))
        a.ownerReferences = [OwnerReference(apiVersion: "nvidia.com/v1alpha1", kind: "DynamoDeployment", name: "llm", uid: "u", controller: true)]
        #expect(EventFilters.controllerOwnerKey(of: a, kind: "DynamoDeployment") == ObjectKey(namespace: "ns", name: "llm"))
        #expect(EventFilters.controllerOwnerKey(of: a, kind: "ReplicaSet") == nil)
    }
}

import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
import KubeStandin
@testable import KubeRuntime
import TestPolling

typealias ConfigMapInformer = Informer<ClientListerWatcher<ConfigMap>>

extension StandinIntegration {
    /// `Informer` over `ClientListerWatcher` over `KubeClient` over the stand-in.
    @Suite struct StandinInformerTests {
        func informer(_ cluster: StandinCluster, namespace: String, labelSelector: String? = nil, client: KubeClient? = nil,
                      log: HandlerLog<ConfigMap>) -> ConfigMapInformer {
            // No jitter: reconnect backoff is the plain 0.8 s, 1.6 s, … (the tests do not wait on more).
            Informer(source: ClientListerWatcher(client: client ?? cluster.client, namespace: namespace, labelSelector: labelSelector),
                     handlers: log.handlers(for: ClientListerWatcher<ConfigMap>.self), random: { 0 })
        }

        /// Whether the informer's cache holds exactly the server's objects among `names` (every
        /// name the test ever wrote), at the server's versions. Read from the backend directly, so
        /// the check adds no list requests to the counts the tests assert on.
        func storeMatchesBackend(_ inf: ConfigMapInformer, _ api: APIServer, _ ns: String, names: Set<String>) -> Bool {
            guard Set(inf.store.keys.map(\.name)).isSubset(of: names) else { return false }
            return names.allSatisfy { name in
                let server = api.object(group: "", plural: "configmaps", namespace: ns, name: name)?[path: ["metadata", "resourceVersion"]]?.stringValue
                return inf.store.get(ObjectKey(namespace: ns, name: name))?.metadata.resourceVersion == server
            }
        }

        /// Whether the informer's cache holds exactly what a list of the server returns.
        func storeMatchesServer(_ inf: ConfigMapInformer, _ client: KubeClient, _ ns: String, labelSelector: String? = nil) throws -> Bool {
            let server = try client.configMapVersions(in: ns, labelSelector: labelSelector)
            let cached = Dictionary(uniqueKeysWithValues: inf.store.list().map { ($0.metadata.name ?? "", $0.metadata.resourceVersion ?? "") })
            return server == cached
        }

        @Test func paginatedListThenOrderedLiveEventsThenBookmarksAdvanceTheVersion() throws {
            let cluster = try StandinCluster(bookmarkInterval: 0.2)
            defer { cluster.stop() }
            let ns = "big"
            try cluster.createNamespace(ns)
            try cluster.createNamespace("elsewhere")
            let total = 1_100
            let names = (0..<total).map { String(format: "cm-%04d", $0) }
            let failures = Mutex(0)
            DispatchQueue.concurrentPerform(iterations: 4) { part in
                for i in stride(from: part, to: total, by: 4) {
                    do { try cluster.client.createConfigMap(names[i], in: ns, data: ["i": "\(i)"]) } catch { failures.withLock { $0 += 1 } }
                }
            }
            #expect(failures.withLock { $0 } == 0)

            cluster.api.resetRequestCounts()
            let log = HandlerLog<ConfigMap>()
            let inf = informer(cluster, namespace: ns, log: log)
            #expect(!inf.hasSynced)
            inf.run()
            defer { inf.stop() }
            #expect(pollUntil(20) { inf.hasSynced })
            // 1100 objects at 500 a page: three list requests (500 + 500 + 100), one consistent snapshot.
            #expect(cluster.api.requestCounts()["list configmaps"] == 3)
            #expect(inf.store.count == total)
            #expect(Set(inf.store.list().compactMap(\.metadata.name)) == Set(names))
            #expect(log.names("add").count == total && Set(log.names("add")) == Set(names))
            #expect(log.names("update").isEmpty && log.names("delete").isEmpty)
            #expect(inf.store.get(ObjectKey(namespace: ns, name: "cm-0042"))?.data == ["i": "42"])
            #expect(storeMatchesBackend(inf, cluster.api, ns, names: Set(names)))

            // Live changes arrive as handler calls, in the order they were made.
            #expect(pollUntil(20) { cluster.api.openWatchCount == 1 })
            log.clear()
            try cluster.client.createConfigMap("live-1", in: ns, data: ["v": "1"])
            try cluster.client.updateConfigMap("live-1", in: ns) { $0.data = ["v": "2"] }
            try cluster.client.createConfigMap("live-2", in: ns)
            try cluster.client.deleteConfigMap("live-1", in: ns)
            try cluster.client.updateConfigMap("cm-0007", in: ns) { $0.data = ["i": "seven"] }
            let expected = ["add live-1", "update live-1", "add live-2", "delete live-1", "update cm-0007"]
            #expect(pollUntil(20) { log.lines.count >= expected.count })
            #expect(log.lines == expected)
            let updates = log.updates.withLock { $0 }
            #expect(updates.map { $0.old.data ?? [:] } == [["v": "1"], ["i": "7"]])
            #expect(updates.map { $0.new.data ?? [:] } == [["v": "2"], ["i": "seven"]])
            #expect(inf.store.get(ObjectKey(namespace: ns, name: "live-1")) == nil)
            #expect(inf.store.count == total + 1)
            let afterLive = cluster.api.currentResourceVersion
            #expect(pollUntil(20) { inf.resourceVersion == String(afterLive) }, "the last event's version is the resume point")

            // Writes the watch does not deliver (another namespace, another resource) move the
            // server's version; bookmarks carry it to the informer without any handler call.
            log.clear()
            for i in 0..<3 { try cluster.client.createConfigMap("other-\(i)", in: "elsewhere") }
            _ = try cluster.client.create(Lease(metadata: ObjectMeta(name: "unrelated", namespace: ns), spec: LeaseSpec(holderIdentity: "x")), namespace: ns)
            let serverRV = cluster.api.currentResourceVersion
            #expect(serverRV > afterLive)
            #expect(pollUntil(20) { rvNumber(inf.resourceVersion) >= serverRV }, "bookmarks advance the informer to \(serverRV), it is at \(inf.resourceVersion)")
            #expect(log.lines.isEmpty)

            // And the bookmark's version is a valid resume point: after a cut, nothing is replayed
            // and the next change arrives once.
            cluster.api.resetRequestCounts()
            cluster.api.cutWatches()
            try cluster.client.createConfigMap("after-cut", in: ns)
            #expect(pollUntil(20) { log.lines.count >= 1 })
            #expect(pollUntil(20) { storeMatchesBackend(inf, cluster.api, ns, names: Set(names + ["live-1", "live-2", "after-cut"])) })
            #expect(log.lines == ["add after-cut"])
            #expect(cluster.api.requestCounts()["list configmaps"] == nil, "a resumable watch needs no relist")
        }

        @Test func relistAfterAForced410EmitsExactlyTheDifference() throws {
            let cluster = try StandinCluster()
            defer { cluster.stop() }
            let ns = "relist"
            try cluster.createNamespace(ns)
            let originals = (0..<20).map { String(format: "cm-%02d", $0) }
            for n in originals { try cluster.client.createConfigMap(n, in: ns) }
            let log = HandlerLog<ConfigMap>()
            let inf = informer(cluster, namespace: ns, log: log)
            inf.run()
            defer { inf.stop() }
            #expect(pollUntil(20) { inf.hasSynced && cluster.api.openWatchCount == 1 })
            #expect(inf.store.count == originals.count)

            // Hold the informer's thread inside a handler, so it cannot read its watch: then cut the
            // stream, make the next watch expire, and change the namespace behind its back.
            log.holdNextCall()
            try cluster.client.updateConfigMap("cm-00", in: ns) { $0.data = ["v": "trigger"] }
            #expect(log.waitUntilHeld())
            cluster.api.resetRequestCounts()
            cluster.api.faults.expireNextWatch()
            cluster.api.cutWatches()
            let gone = Set(originals[1...5])
            for n in gone { try cluster.client.deleteConfigMap(n, in: ns) }
            let added: Set<String> = ["new-a", "new-b", "new-c"]
            for n in added { try cluster.client.createConfigMap(n, in: ns) }
            try cluster.client.updateConfigMap("cm-10", in: ns) { $0.data = ["v": "changed"] }
            log.clear()
            log.releaseHold()

            // The resumed watch gets 410: the informer relists and reconciles its cache.
            #expect(pollUntil(20) { storeMatchesBackend(inf, cluster.api, ns, names: Set(originals).union(added)) })
            #expect(cluster.api.requestCounts()["list configmaps"] == 1)
            let counts = log.counts
            #expect(Set(log.names("delete")) == gone && log.names("delete").count == gone.count,
                    "a delete for exactly the objects missing from the new list: \(log.names("delete"))")
            #expect(Set(log.names("add")) == added && log.names("add").count == added.count,
                    "an add for exactly the new objects: \(log.names("add"))")
            // Objects in both lists are updates (client-go's replace), each once.
            let kept = Set(originals).subtracting(gone)
            #expect(Set(log.names("update")) == kept && log.names("update").count == kept.count)
            #expect(counts["cm-10"] == HandlerLog<ConfigMap>.Counts(adds: 0, updates: 1, deletes: 0))
            #expect(inf.store.get(ObjectKey(namespace: ns, name: "cm-10"))?.data == ["v": "changed"])
            #expect(inf.store.get(ObjectKey(namespace: ns, name: "cm-00"))?.data == ["v": "trigger"])
            for n in gone { #expect(inf.store.get(ObjectKey(namespace: ns, name: n)) == nil) }

            // The watch after the relist is live again.
            log.clear()
            try cluster.client.createConfigMap("after-relist", in: ns)
            try cluster.client.deleteConfigMap("cm-19", in: ns)
            #expect(pollUntil(20) { log.lines.count >= 2 })
            #expect(log.lines == ["add after-relist", "delete cm-19"])
            #expect(cluster.api.requestCounts()["list configmaps"] == 1)
            #expect(cluster.api.requestCounts()["watch configmaps", default: 0] >= 2, "the expired watch, then the one after the relist")
        }

        // MARK: - Reconnects

        enum Disruption: String, CaseIterable, Sendable {
            /// The API server cuts every watch stream mid-event.
            case cutWatches
            /// Every connection of the informer's server closes at once (a restart as clients see it).
            case dropAllConnections
            /// The informer's server stops and a new `StandinServer` starts on the same backend and port.
            case restartOnSamePort
        }

        /// Writes before, during and after a disruption of the informer's connection; the writer
        /// uses a second server in front of the same backend, so every write surely happened.
        /// Each object must see exactly the handler calls its writes imply: none lost, none
        /// duplicated, and no relist (a resumable watch resumes).
        @Test(arguments: Disruption.allCases)
        func reconnectsWithoutLosingOrDuplicatingEvents(_ disruption: Disruption) throws {
            let cluster = try StandinCluster()
            defer { cluster.stop() }
            let (writerServer, writer) = try cluster.secondServer()
            defer { writerServer.stop() }
            let ns = "flaky"
            try cluster.createNamespace(ns)

            var expected: [String: HandlerLog<ConfigMap>.Counts] = [:]
            func create(_ n: String) throws {
                try writer.createConfigMap(n, in: ns, data: ["v": "0"])
                expected[n, default: .init()].adds += 1
            }
            func update(_ n: String) throws {
                try writer.updateConfigMap(n, in: ns) { $0.data = ["v": "\(Int($0.data?["v"] ?? "0")! + 1)"] }
                expected[n, default: .init()].updates += 1
            }
            func delete(_ n: String) throws {
                try writer.deleteConfigMap(n, in: ns)
                expected[n, default: .init()].deletes += 1
            }

            for i in 0..<10 { try create("p-\(i)") }
            let log = HandlerLog<ConfigMap>()
            let inf = informer(cluster, namespace: ns, log: log)
            inf.run()
            defer { inf.stop() }
            #expect(pollUntil(20) { inf.hasSynced && cluster.api.openWatchCount == 1 })
            cluster.api.resetRequestCounts()

            // While connected.
            for i in 0..<10 { try create("a-\(i)") }
            for i in 0..<5 { try update("p-\(i)") }
            try delete("p-5")
            try delete("p-6")

            switch disruption {
            case .cutWatches: cluster.api.cutWatches()
            case .dropAllConnections: cluster.server.withLock { $0 }.dropAllConnections()
            case .restartOnSamePort: try cluster.restartServer()
            }

            // Most likely while disconnected (the informer backs off before it reconnects).
            for i in 0..<10 { try create("b-\(i)") }
            for i in 0..<5 { try update("a-\(i)") }
            try delete("a-5")
            try update("p-0")
            #expect(pollUntil(20) { cluster.api.openWatchCount == 1 && inf.store.get(ObjectKey(namespace: ns, name: "b-9")) != nil },
                    "the informer reconnects and catches up")

            // After the reconnect.
            for i in 0..<10 { try create("c-\(i)") }
            for i in 0..<10 { try update("b-\(i)") }
            try delete("b-0")
            try delete("a-0")
            try update("p-0")
            try create("sentinel")
            #expect(pollUntil(20) { inf.store.get(ObjectKey(namespace: ns, name: "sentinel")) != nil })
            #expect(storeMatchesBackend(inf, cluster.api, ns, names: Set(expected.keys)))

            let counts = log.counts
            let wrong = expected.keys.sorted().filter { counts[$0] != expected[$0] }
                .map { "\($0): saw \(counts[$0]?.description ?? "nothing"), wrote \(expected[$0]!)" }
            #expect(wrong.isEmpty, "handler calls per object differ from the writes: \(wrong)")
            #expect(Set(counts.keys) == Set(expected.keys))
            #expect(cluster.api.requestCounts()["list configmaps"] == nil, "reconnecting resumes the watch, it does not relist")
            #expect(cluster.api.requestCounts()["watch configmaps", default: 0] >= 1, "the informer watched again")
        }

        // MARK: - Label selectors

        @Test func aLabelFilteredInformerSeesObjectsEnterAndLeaveTheSelection() throws {
            let cluster = try StandinCluster()
            defer { cluster.stop() }
            let ns = "labels"
            try cluster.createNamespace(ns)
            let selector = "tier=web,team in (a,b)"
            try cluster.client.createConfigMap("web-a", in: ns, labels: ["tier": "web", "team": "a"])
            try cluster.client.createConfigMap("web-c", in: ns, labels: ["tier": "web", "team": "c"])
            try cluster.client.createConfigMap("db-a", in: ns, labels: ["tier": "db", "team": "a"])
            try cluster.client.createConfigMap("bare", in: ns)
            let log = HandlerLog<ConfigMap>()
            let inf = informer(cluster, namespace: ns, labelSelector: selector, log: log)
            inf.run()
            defer { inf.stop() }
            #expect(pollUntil(20) { inf.hasSynced && cluster.api.openWatchCount == 1 })
            #expect(Set(inf.store.keys.map(\.name)) == ["web-a"])
            #expect(log.lines == ["add web-a"])
            log.clear()

            // Changes of non-matching objects are not seen at all.
            try cluster.client.updateConfigMap("db-a", in: ns) { $0.data = ["v": "2"] }
            try cluster.client.createConfigMap("web-z", in: ns, labels: ["tier": "web", "team": "z"])
            // A matching object changes: an update.
            try cluster.client.updateConfigMap("web-a", in: ns) { $0.data = ["v": "2"] }
            // An object starts matching after a label change: an add.
            try cluster.client.updateConfigMap("db-a", in: ns) { $0.metadata.labels?["tier"] = "web" }
            // A matching object stops matching: a delete, and it leaves the cache.
            try cluster.client.updateConfigMap("web-a", in: ns) { $0.metadata.labels?["team"] = "c" }
            // A new matching object and the deletion of a non-matching one.
            try cluster.client.createConfigMap("web-b", in: ns, labels: ["tier": "web", "team": "b"])
            try cluster.client.deleteConfigMap("bare", in: ns)
            let expected = ["update web-a", "add db-a", "delete web-a", "add web-b"]
            #expect(pollUntil(20) { log.lines.count >= expected.count })
            #expect(try pollUntil(20) { try storeMatchesServer(inf, cluster.client, ns, labelSelector: selector) })
            #expect(log.lines == expected)
            #expect(Set(inf.store.keys.map(\.name)) == ["db-a", "web-b"])
            #expect(inf.store.get(ObjectKey(namespace: ns, name: "db-a"))?.metadata.labels?["tier"] == "web")
        }
    }
}

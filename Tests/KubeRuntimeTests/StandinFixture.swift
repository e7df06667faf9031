import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
import KubeStandin
@testable import KubeRuntime

/// The integration tests of the controller machinery against the stand-in API server: real
/// informers and leader electors over the client adapters over `KubeClient` over HTTP. They run
/// one at a time (lease timing and reconnect backoff are wall-clock; a parallel neighbour that
/// loads both cores would only slow them down). Each test owns its own server, so state is fresh.
@Suite(.serialized) enum StandinIntegration {}

/// `v1` ConfigMap: a cheap kind with a body the tests can change (KubeModel has no typed form).
struct ConfigMap: KubeResource, Hashable {
    static let resource = ResourceDescriptor.configMaps
    var apiVersion: String? = "v1"
    var kind: String? = "ConfigMap"
    var metadata: ObjectMeta
    var data: [String: String]?

    init(name: String, namespace: String, data: [String: String]? = nil, labels: [String: String]? = nil) {
        metadata = ObjectMeta(name: name, namespace: namespace, labels: labels)
        self.data = data
    }
}

/// One `APIServer` served over plain HTTP by a `StandinServer`, with an admin-free client (the
/// stand-in without tokens or client CA does not authenticate).
final class StandinCluster: Sendable {
    let api: APIServer
    let server: Mutex<StandinServer>
    let url: URL
    let client: KubeClient

    init(bookmarkInterval: Double = 0.2) throws {
        api = APIServer(options: APIServer.Options(bookmarkInterval: bookmarkInterval))
        let s = StandinServer(backend: api)
        url = try s.start()
        server = Mutex(s)
        client = KubeClient(config: ClusterConfig(server: url.absoluteString))
    }

    /// A second transport in front of the same backend: a client of it is not affected by what
    /// happens to `server`'s connections.
    func secondServer() throws -> (StandinServer, KubeClient) {
        let s = StandinServer(backend: api)
        let u = try s.start()
        return (s, KubeClient(config: ClusterConfig(server: u.absoluteString)))
    }

    /// Stops `server` (gracefully: watches end, connections close) and starts a new
    /// `StandinServer` on the same backend and port, as a restarted API server.
    func restartServer() throws {
        let old = server.withLock { $0 }
        let port = url.port ?? 0
        old.stop()
        let fresh = StandinServer(backend: api, options: StandinServer.Options(port: port))
        let u = try fresh.start()
        #expect(u == url, "the restarted server listens where the old one did")
        server.withLock { $0 = fresh }
    }

    func stop() {
        server.withLock { $0 }.stop()
    }

    func createNamespace(_ name: String) throws {
        _ = try client.create(Namespace(metadata: ObjectMeta(name: name)), namespace: nil)
    }
}

extension KubeClient {
    @discardableResult
    func createConfigMap(_ name: String, in ns: String, data: [String: String] = ["v": "1"], labels: [String: String]? = nil) throws -> ConfigMap {
        try create(ConfigMap(name: name, namespace: ns, data: data, labels: labels), namespace: ns)
    }

    /// Read-modify-write (PUT with the read resourceVersion).
    @discardableResult
    func updateConfigMap(_ name: String, in ns: String, _ change: (inout ConfigMap) -> Void) throws -> ConfigMap {
        var cm = try get(ConfigMap.self, namespace: ns, name: name)
        change(&cm)
        return try replace(cm, namespace: ns)
    }

    func deleteConfigMap(_ name: String, in ns: String) throws {
        try delete(ConfigMap.resource, namespace: ns, name: name)
    }

    /// name → resourceVersion of every ConfigMap in `ns` (all pages), optionally label-filtered.
    func configMapVersions(in ns: String, labelSelector: String? = nil) throws -> [String: String] {
        let all = try listAll(ConfigMap.self, namespace: ns, options: ListOptions(labelSelector: labelSelector))
        return Dictionary(uniqueKeysWithValues: all.items.map { ($0.metadata.name ?? "", $0.metadata.resourceVersion ?? "") })
    }
}

/// Records every handler call of an informer, in order, and can hold the informer's thread in
/// the next call (so the test acts while the informer cannot read its watch).
final class HandlerLog<T: KubeResource>: Sendable {
    struct Entry: Equatable, Sendable, CustomStringConvertible {
        var verb: String
        var name: String
        var resourceVersion: String
        var description: String { "\(verb) \(name)" }
    }

    struct Counts: Equatable, Sendable, CustomStringConvertible {
        var adds = 0
        var updates = 0
        var deletes = 0
        var description: String { "+\(adds) ~\(updates) -\(deletes)" }
    }

    struct Hold {
        var armed = false
        let entered = DispatchSemaphore(value: 0)
        let release = DispatchSemaphore(value: 0)
    }

    let log = Mutex<[Entry]>([])
    let updates = Mutex<[(old: T, new: T)]>([])
    let hold = Mutex(Hold())

    var entries: [Entry] { log.withLock { $0 } }
    var lines: [String] { entries.map(\.description) }
    func clear() {
        log.withLock { $0 = [] }
        updates.withLock { $0 = [] }
    }

    /// Handler calls per object name.
    var counts: [String: Counts] {
        var out: [String: Counts] = [:]
        for e in entries {
            switch e.verb {
            case "add": out[e.name, default: Counts()].adds += 1
            case "update": out[e.name, default: Counts()].updates += 1
            default: out[e.name, default: Counts()].deletes += 1
            }
        }
        return out
    }

    func names(_ verb: String) -> [String] { entries.filter { $0.verb == verb }.map(\.name) }

    func handlers<LW: ListerWatcher>(for _: LW.Type) -> Informer<LW>.Handlers where LW.Object == T {
        .init(onAdd: { o in self.record("add", o) },
              onUpdate: { old, new in
                  self.updates.withLock { $0.append((old, new)) }
                  self.record("update", new)
              },
              onDelete: { o in self.record("delete", o) })
    }

    /// The next handler call is recorded, then blocks until `releaseHold()`. Returns a wait for
    /// that call to have started.
    func holdNextCall() { hold.withLock { $0.armed = true } }
    func waitUntilHeld(timeout: TimeInterval = 20) -> Bool {
        let entered = hold.withLock { $0.entered }
        return entered.wait(timeout: .now() + timeout) == .success
    }
    func releaseHold() { hold.withLock { $0.release }.signal() }

    private func record(_ verb: String, _ o: T) {
        log.withLock { $0.append(Entry(verb: verb, name: o.metadata.name ?? "", resourceVersion: o.metadata.resourceVersion ?? "")) }
        let (armed, entered, release) = hold.withLock { h in
            defer { h.armed = false }
            return (h.armed, h.entered, h.release)
        }
        if armed {
            entered.signal()
            release.wait()
        }
    }
}

/// Parses a resourceVersion the stand-in hands out (decimal; one global counter).
func rvNumber(_ rv: String) -> Int64 { Int64(rv) ?? -1 }

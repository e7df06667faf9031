import Dispatch
import Foundation
import KubeModel
import Synchronization

/// The stand-in kube-apiserver: in-memory storage with the real server's API semantics and
/// answer shapes (see `/work/shared/k8s-api-transcripts` and the tests replaying them).
///
/// Guarantees: thread-safe (one lock around all state; no callbacks run under it); one global
/// resourceVersion; watch frames queued in commit order; every request first consults
/// `faults.takeFailure(for:)`.
public final class APIServer: StandinBackend, Sendable {
    public struct Options: Sendable {
        /// Watch events kept for resuming watches and continuing lists.
        public var historySize: Int
        /// Seconds between BOOKMARK events on watches that allow them (the real server's ~60 s is
        /// too slow for tests).
        public var bookmarkInterval: Double
        /// The clock for timestamps (creationTimestamp, managedFields times, conditions).
        public var now: @Sendable () -> Date
        /// Namespaces that exist at start.
        public var initialNamespaces: [String]
        /// Runs delayed work: garbage collection, namespace cleanup, the readiness simulator.
        public var scheduler: any StandinScheduler
        /// Seconds before the garbage collector deletes dependents of a deleted owner.
        public var garbageCollectionDelay: Double
        /// Undelivered frames a watcher may fall behind by before it is ended.
        public var watchBacklogLimit: Int
        /// Seconds a list waits for a resourceVersion the server has not reached before it
        /// answers 504 "Too large resource version" (the real watch cache waits 3 s).
        public var futureResourceVersionWait: Double

        public init(historySize: Int = 10_000, bookmarkInterval: Double = 1, now: @escaping @Sendable () -> Date = { Date() },
                    initialNamespaces: [String] = ["default", "kube-system", "kube-public", "kube-node-lease"],
                    scheduler: any StandinScheduler = DispatchScheduler(), garbageCollectionDelay: Double = 0,
                    watchBacklogLimit: Int = defaultWatchBacklogLimit, futureResourceVersionWait: Double = 3) {
            self.historySize = historySize
            self.bookmarkInterval = bookmarkInterval
            self.now = now
            self.initialNamespaces = initialNamespaces
            self.scheduler = scheduler
            self.garbageCollectionDelay = garbageCollectionDelay
            self.watchBacklogLimit = watchBacklogLimit
            self.futureResourceVersionWait = futureResourceVersionWait
        }
    }

    public let faults = FaultInjector()
    let options: Options
    let state: Mutex<ServerState>

    public init(options: Options = .init()) {
        self.options = options
        var s = ServerState(historySize: options.historySize)
        let nsInfo = s.registry.info("namespaces")!
        let time = KubeTime.format(options.now())
        for ns in options.initialNamespaces {
            let obj: JSONValue = [
                "kind": "Namespace", "apiVersion": "v1",
                "metadata": ["name": .string(ns), "uid": .string(RandomUID.make()), "creationTimestamp": .string(time),
                             "labels": ["kubernetes.io/metadata.name": .string(ns)]],
                "spec": ["finalizers": ["kubernetes"]], "status": ["phase": "Active"],
            ]
            s.commit(nsInfo, "", ns, obj)
        }
        state = Mutex(s)
    }

    // MARK: - StandinBackend

    public func handle(_ request: StandinRequest) -> StandinResponse {
        let route = state.withLock { s in
            let route = Router.route(request.path, s.registry)
            if case .resource(let target) = route {
                s.counts["\(Router.verb(request, target)) \(target.info.groupResource)" + (target.subresource.map { "/\($0)" } ?? ""), default: 0] += 1
            }
            return route
        }
        if let failure = faults.takeFailure(for: request) { return StatusResponses.injected(failure) }
        switch route {
        case .health: return .full(status: 200, headers: [("content-type", "text/plain; charset=utf-8")], body: Data("ok".utf8))
        case .version: return json(200, Discovery.version())
        case .apiVersions: return json(200, Discovery.apiVersions())
        case .groupList: return json(200, state.withLock { Discovery.groupList($0.registry) })
        case .group(let g): return json(200, state.withLock { Discovery.group(g, $0.registry) })
        case .resourceList(let g, let v): return json(200, state.withLock { Discovery.resourceList(group: g, version: v, $0.registry) })
        case .openAPIV3Root: return json(200, state.withLock { OpenAPIDocuments.discovery($0.registry) })
        case .openAPIV3(let gvPath): return openAPIDocument(request, gvPath)
        case .openAPIV2: return openAPIV2(request)
        case .notFound: return StatusResponses.response(StatusResponses.pathNotFound())
        case .resource(let target):
            guard request.method == "GET" || Router.isWrite(request.method) else {
                return StatusResponses.response(StatusResponses.methodNotAllowed(request.method, target.info))
            }
            return serveResource(request, target)
        }
    }

    /// Each open watch ends with `.cutMidEvent`, its partial being the first half of the event
    /// line it would have received next (a BOOKMARK at the current resourceVersion).
    public func cutWatches() {
        let cuts = state.withLock { s -> [(WatchConnection, Data)] in
            var out: [(WatchConnection, Data)] = []
            for (gr, ws) in s.watchers {
                let skeleton = s.registry.info(gr)?.bookmarkSkeleton ?? [:]
                for w in ws.values {
                    let line = WatchFrames.bookmark(kind: w.kind, apiVersion: w.apiVersion, rv: s.rv, skeleton: skeleton, initialEventsEnd: false)
                    out.append((w.connection, Data(line.prefix(line.count / 2))))
                }
            }
            s.watchers = [:]
            return out
        }
        for (c, partial) in cuts { c.abort(.cutMidEvent(partial: partial)) }
    }

    public func endWatches() {
        let conns = state.withLock { s -> [WatchConnection] in
            let all = s.watchers.values.flatMap { $0.values.map(\.connection) }
            s.watchers = [:]
            return all
        }
        for c in conns { c.finish(.finished) }
    }

    /// Turning the simulator on also schedules Deployments that are not rolled out yet, as the
    /// deployment controller would reconcile them when it starts.
    public func setReadinessSimulation(delaySeconds: Double?) {
        let after = state.withLock { s -> [AfterLock] in
            s.readinessDelay = delaySeconds
            guard delaySeconds != nil, let table = s.tables["deployments.apps"] else { return [] }
            var after: [AfterLock] = []
            for stored in table.all {
                let o = stored.object
                let gen = o[path: ["metadata", "generation"]]?.intValue ?? 1
                guard o[path: ["status", "observedGeneration"]]?.intValue != gen, o[path: ["metadata", "deletionTimestamp"]] == nil else { continue }
                scheduleReadiness(&s, namespace: o[path: ["metadata", "namespace"]]?.stringValue ?? "",
                                  name: o[path: ["metadata", "name"]]?.stringValue ?? "", generation: gen, after: &after)
            }
            return after
        }
        runAfter(after)
    }

    public func requestCounts() -> [String: Int] { state.withLock { $0.counts } }

    public func resetRequestCounts() { state.withLock { $0.counts = [:] } }

    // MARK: - Test helpers

    /// The current global resourceVersion.
    public var currentResourceVersion: Int64 { state.withLock { $0.rv } }

    /// Number of open watches (all resources).
    public var openWatchCount: Int { state.withLock { $0.watchers.values.reduce(0) { $0 + $1.count } } }

    /// The stored object, as a GET would return it (nil when absent).
    public func object(group: String, plural: String, namespace: String?, name: String) -> JSONValue? {
        state.withLock { s in
            let gr = group.isEmpty ? plural : "\(plural).\(group)"
            return s.get(gr, namespace ?? "", name)?.object
        }
    }

    // MARK: - Helpers

    func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> StandinResponse {
        .full(status: status, headers: StatusResponses.jsonHeaders + headers, body: JSONWire.encode(value))
    }

    /// A committed object as `apiVersion`, reusing its JSON when that is the stored version.
    func json(_ status: Int, _ committed: ServerState.Committed, apiVersion: String) -> StandinResponse {
        guard committed.object["apiVersion"]?.stringValue == apiVersion else {
            return json(status, ServerState.withVersion(committed.object, apiVersion))
        }
        return .full(status: status, headers: StatusResponses.jsonHeaders, body: Data(committed.json))
    }

    func now() -> Date { options.now() }
    func timestamp() -> String { KubeTime.format(options.now()) }

    /// The field manager of a non-apply write: `fieldManager`, else the User-Agent's product token.
    static func manager(_ request: StandinRequest) -> String {
        if let m = request.query["fieldManager"], !m.isEmpty { return m }
        let ua = request.headers["user-agent"] ?? ""
        let token = ua.split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
        return token.isEmpty ? "unknown" : token
    }
}

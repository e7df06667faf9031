import Foundation
import Synchronization
import ChildProcesses
import KubeClient
import KubeStandin
import KubeModel
import DynamoAPI
import DynamoController

/// Figures for one N.
struct ClusterResult: Codable {
    var n: Int
    var componentsPerGraph: Int
    var startupSeconds: Double
    var convergenceSeconds: Double
    /// The fastest of the lower-bound rounds (`lowerBoundRoundsSeconds`): the server's best is
    /// what "as fast as it can" means, and one slow round on a shared machine cannot flatter the
    /// ratio.
    var lowerBoundSeconds: Double
    var lowerBoundRoundsSeconds: [Double]
    var ratio: Double
    /// API requests per DynamoDeployment to converge, by verb (nil against a real cluster).
    var callsPerGraph: [String: Double]?
    var callsPerGraphByResource: [String: Double]?
    var idleWrites: Int?
    var idleWindowSeconds: Double
    /// Seconds after convergence until writes stopped (the event backlog draining).
    var settleSeconds: Double
    /// How the measured operator binary carries the Swift runtime: "static" (as the container
    /// image ships it, `--static-swift-stdlib`) or "shared" (libswiftCore and Foundation mapped
    /// from the toolchain, several MiB more resident).
    var operatorSwiftRuntime: String
    var peakRSSMiB: Double
    var steadyRSSMiB: Double
    /// The anonymous part of the steady RSS: what the caches and the heap take, without the
    /// binary's and shared libraries' mapped pages (a fixed cost of the runtime).
    var steadyAnonMiB: Double
    var reactionP50Ms: Double
    var reactionP99Ms: Double
    var reactionTrials: Int
    /// Reconciles per DynamoDeployment to converge (the operator's own
    /// `controller_runtime_reconcile_total`, all results): how many times each key was worked.
    var reconcilesPerGraph: Double?
    /// CPU seconds spent from spawn to convergence by the operator and by the stand-in (nil
    /// against a cluster), and by the stand-in during the lower bound: where the time goes.
    var operatorCPUSeconds: Double?
    var serverCPUSeconds: Double?
    var lowerBoundServerCPUSeconds: Double?
    /// CPU seconds the bench itself spent from spawn to convergence (its watch for Ready, as
    /// `kubectl wait` would): measurement overhead on the same cores, in neither ratio.
    var benchCPUSecondsConverging: Double?
    /// CPU seconds the bench itself (the lower bound's client) spent issuing those writes.
    var lowerBoundClientCPUSeconds: Double?
    /// CPU spent converging (operator + server) over CPU spent on the lower bound (client +
    /// server): where both runs keep every core busy, the time ratio follows this one.
    var cpuRatio: Double?
    /// The write floors: the lower bound's client replaying, as fast as it can, the writes the
    /// operator issues besides the child applies. Each floor over the lower bound is the ratio
    /// an operator that cost nothing to run would reach with those calls on this server.
    var writeFloors: [WriteFloor]

    struct WriteFloor: Codable {
        /// "applies + status" (the calls the API-call target allows) or "applies + status + Events"
        /// (every write the operator issues).
        var writes: String
        var writesPerGraph: Int
        /// The fastest of `ClusterBench.lowerBoundRounds` rounds, as for the lower bound.
        var seconds: Double
        var roundsSeconds: [Double]
        var ratioToLowerBound: Double
        var serverCPUSeconds: Double?
        var clientCPUSeconds: Double?
    }

    static func cpuRatio(operator o: Double?, server s: Double?, client c: Double?, lowerBoundServer l: Double?) -> Double? {
        guard let o, let s, let c, let l, c + l > 0 else { return nil }
        return (o + s) / (c + l)
    }
}

/// Runs the real operator binary against the stand-in executable (or a cluster) for one N.
///
/// The sequence, chosen so each figure measures one thing:
/// 1. the N DynamoDeployments are created while no operator runs, so "all objects exist" is a
///    single instant: the operator's spawn;
/// 2. start-up = spawn → the first status write the server sees;
/// 3. convergence = spawn → every graph Ready (includes start-up: an operator restarted with N
///    graphs pending is the situation measured);
/// 4. idle writes = write requests during a window covering a full periodic resync after
///    convergence (target 0);
/// 5. reaction = a child Deployment deleted by hand → seen recreated, over `trials` trials;
/// 6. lower bound = the same server accepting the same 8N child applies from the client alone,
///    on as many threads as the operator has workers; the fastest of `lowerBoundRounds` rounds;
/// 7. write floors = the same, with the operator's status writes (and then its Events) added to
///    the applies: what the operator's calls alone cost this server, its own work aside.
struct ClusterBench {
    /// Seconds between the bench's own polls of the DynamoDeployment list: coarse enough to
    /// cost the server little at N = 1000, fine enough for the resolution reported.
    static let readyPollInterval: TimeInterval = 0.1
    /// Seconds between polls of the request counters while waiting for the first reconcile.
    static let startupPollInterval: TimeInterval = 0.005
    /// Seconds without any write request after which the server counts as settled.
    static let settleQuiet: TimeInterval = 1
    /// Threads creating the N objects (and issuing the lower-bound writes' counterpart).
    static let creators = 8
    /// Lower-bound rounds per N (each into a fresh namespace); the fastest counts. A round is a
    /// few seconds at N = 1000, and on a shared machine one round alone ranged 5–12 s.
    static let lowerBoundRounds = 3
    /// Seconds to wait for a replay's namespace to be removed before the next round (a real
    /// cluster's namespace controller may take minutes; the stand-in's, a second or two).
    static let namespaceRemovalTimeout: TimeInterval = 120

    /// One lower-bound round: its time and the CPU the server and the client spent in it.
    struct LowerBoundRound {
        var seconds: Double
        var serverCPUSeconds: Double?
        var clientCPUSeconds: Double?
    }

    let options: BenchOptions
    let scratch: String

    func run(n: Int) throws -> ClusterResult {
        let standin: LoggedProcess?
        let client: KubeClient
        let kubeconfig: String
        if let external = options.kubeconfig {
            standin = nil
            kubeconfig = external
            client = try KubeClient.load(kubeconfigPath: external)
        } else {
            let process = try LoggedProcess(name: "kube-standin-\(n)", executable: try options.binary("kube-standin"),
                                           arguments: ["--port", "0", "--simulate-readiness-ms", String(options.readinessMs),
                                                       "--history-size", String(max(10_000, n * 40))],
                                           logDirectory: scratch)
            try process.start()
            let line = try process.waitForLine(containing: "listening on", timeout: 30)
            guard let url = line.split(separator: " ").last.map(String.init) else { throw BenchError("cannot parse '\(line)'") }
            standin = process
            kubeconfig = "\(scratch)/kubeconfig-\(n)"
            try KubeconfigWriter.render(server: url, user: "bench").write(toFile: kubeconfig, atomically: true, encoding: .utf8)
            client = try KubeClient.load(kubeconfigPath: kubeconfig)
        }
        defer { standin?.stop() }
        let control = standin == nil ? nil : StandinControl(client: client)

        try CRDInstaller.install(client, fieldManager: "dynamo-bench")
        let namespace = "bench-\(n)-\(UUID().uuidString.prefix(4).lowercased())"
        _ = try client.create(.namespaces, namespace: nil, body: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        defer { try? client.delete(.namespaces, namespace: nil, name: namespace) }

        log("N=\(n): creating \(n) DynamoDeployments")
        try parallel(n, threads: Self.creators) { i in
            _ = try client.create(DynamoDeployment.resource, namespace: namespace,
                                  body: BenchGraph.object(name: "g\(i)", namespace: namespace, components: options.components))
        }

        try control?.resetRequestCounts()
        let probePort = try freeLocalPort()
        let metricsPort = try freeLocalPort()
        let op = try LoggedProcess(name: "dynamo-operator-\(n)", executable: try options.binary("dynamo-operator"), arguments: [
            "run", "--kubeconfig", kubeconfig, "--namespace", namespace, "--leader-elect=false",
            "--metrics-bind-address", "127.0.0.1:\(metricsPort)", "--health-probe-bind-address", "127.0.0.1:\(probePort)",
            "--workers", String(options.workers), "--log-level", options.operatorLogLevel, "--resync-period", String(options.resyncPeriod),
        ], logDirectory: scratch)
        defer { op.stop() }
        let serverCPUAtSpawn = standin?.cpuSeconds()
        let benchCPUAtSpawn = ProcFile.cpuSeconds(pid: getpid())
        let spawn = Date()
        try op.start()

        // Start-up: until the first status write (only observable through the stand-in's counters;
        // against a cluster, until the first graph shows a status).
        let startup: Double
        if let control {
            while try !(control.requestCounts().keys.contains { $0.hasSuffix("dynamodeployments.nvidia.com/status") }) {
                guard op.isRunning else { throw BenchError("the operator exited:\n\(op.log().suffix(3000))") }
                Thread.sleep(forTimeInterval: Self.startupPollInterval)
            }
            startup = Date().timeIntervalSince(spawn)
        } else {
            var polls = 0
            startup = try waitUntil(client, namespace: namespace, op: op, lists: &polls) { $0.contains { $0.status?.observedGeneration != nil } }
                .timeIntervalSince(spawn)
        }
        log("N=\(n): first reconcile after \(format(startup)) s")

        var ownRequests: [String: Int] = [:]
        let converged = try watchUntilReady(client, namespace: namespace, n: n, op: op, requests: &ownRequests)
        let convergence = converged.timeIntervalSince(spawn)
        log("N=\(n): all Ready after \(format(convergence)) s")
        let peakAtConvergence = op.memory()
        let operatorCPU = op.cpuSeconds()
        let reconciles = try? Self.reconcileTotal(metricsPort: metricsPort)
        let serverCPU = Self.cpuSpent(since: serverCPUAtSpawn, now: standin?.cpuSeconds())
        let benchCPU = Self.cpuSpent(since: benchCPUAtSpawn, now: ProcFile.cpuSeconds(pid: getpid()))
        log("N=\(n): CPU to converge: operator \(format(operatorCPU ?? 0)) s, server \(format(serverCPU ?? 0)) s, bench \(format(benchCPU ?? 0)) s")

        var perGraph: [String: Double]?
        var perResource: [String: Double]?
        var idleWrites: Int?
        var settle = 0.0
        let idleWindow = options.resyncPeriod + 3
        if let control {
            // Settle first: the event recorder may still be writing its backlog (events are
            // written in order on one queue); those writes are not the resync's doing.
            let settleStart = Date()
            var last = try control.requestCounts()
            var quietSince = Date()
            while Date().timeIntervalSince(quietSince) < Self.settleQuiet && Date().timeIntervalSince(settleStart) < options.timeout {
                Thread.sleep(forTimeInterval: 0.1)
                let now = try control.requestCounts()
                if !difference(now, last).filter({ writeVerbs.contains(String($0.key.split(separator: " ").first ?? "")) }).isEmpty {
                    quietSince = Date()
                }
                last = now
            }
            settle = quietSince.timeIntervalSince(converged)
            log("N=\(n): writes settled \(format(settle)) s after convergence")
            // Calls to converge, counted once everything convergence caused has been written.
            var counts = last
            for (verb, count) in ownRequests { counts["\(verb) dynamodeployments.nvidia.com", default: 0] -= count }
            counts = counts.filter { $0.value > 0 }
            perGraph = countsByVerb(counts).mapValues { Double($0) / Double(n) }
            perResource = counts.mapValues { Double($0) / Double(n) }
            // Idle: a window covering a full periodic resync of every key.
            let before = try control.requestCounts()
            Thread.sleep(forTimeInterval: idleWindow)
            let delta = difference(try control.requestCounts(), before)
            idleWrites = delta.filter { writeVerbs.contains(String($0.key.split(separator: " ").first ?? "")) }.values.reduce(0, +)
            log("N=\(n): \(idleWrites!) writes while idle for \(format(idleWindow)) s")
        } else {
            Thread.sleep(forTimeInterval: idleWindow)
        }
        let steady = op.memory()
        if let path = op.saveMemoryMap(in: scratch) {
            log("N=\(n): the operator's memory map (smaps) at the steady reading is in \(path)")
        }
        let swiftRuntime = op.mapsLibrary("libswiftCore") ? "shared" : "static"

        let latencies = try reaction(client, namespace: namespace, n: n, trials: options.trials)
        let lowerBound = try fastestReplay(client, n: n, standin: standin, extras: [])
        let lower = lowerBound.best.seconds
        var floors: [ClusterResult.WriteFloor] = []
        for extras in [[ReplayExtra.status], [.status, .events]] {
            let replay = try fastestReplay(client, n: n, standin: standin, extras: extras)
            floors.append(ClusterResult.WriteFloor(
                writes: ReplayExtra.writes(extras), writesPerGraph: replay.writesPerGraph,
                seconds: replay.best.seconds, roundsSeconds: replay.rounds.map(\.seconds), ratioToLowerBound: replay.best.seconds / lower,
                serverCPUSeconds: replay.best.serverCPUSeconds, clientCPUSeconds: replay.best.clientCPUSeconds))
        }

        return ClusterResult(
            n: n, componentsPerGraph: options.components, startupSeconds: startup, convergenceSeconds: convergence,
            lowerBoundSeconds: lower, lowerBoundRoundsSeconds: lowerBound.rounds.map(\.seconds), ratio: convergence / lower, callsPerGraph: perGraph, callsPerGraphByResource: perResource,
            idleWrites: idleWrites, idleWindowSeconds: idleWindow, settleSeconds: settle,
            operatorSwiftRuntime: swiftRuntime,
            peakRSSMiB: Double(max(peakAtConvergence?.peak ?? 0, steady?.peak ?? 0)) / 1_048_576,
            steadyRSSMiB: Double(steady?.rss ?? 0) / 1_048_576, steadyAnonMiB: Double(steady?.anon ?? 0) / 1_048_576,
            reactionP50Ms: percentile(latencies, 0.5) * 1000, reactionP99Ms: percentile(latencies, 0.99) * 1000,
            reactionTrials: latencies.count,
            reconcilesPerGraph: reconciles.map { Double($0) / Double(n) },
            operatorCPUSeconds: operatorCPU, serverCPUSeconds: serverCPU, lowerBoundServerCPUSeconds: lowerBound.best.serverCPUSeconds,
            benchCPUSecondsConverging: benchCPU, lowerBoundClientCPUSeconds: lowerBound.best.clientCPUSeconds,
            cpuRatio: ClusterResult.cpuRatio(operator: operatorCPU, server: serverCPU, client: lowerBound.best.clientCPUSeconds,
                                             lowerBoundServer: lowerBound.best.serverCPUSeconds),
            writeFloors: floors)
    }

    /// CPU seconds between two readings of a process's counter; nil when either is missing
    /// (no stand-in, or /proc unreadable).
    static func cpuSpent(since before: Double?, now: Double?) -> Double? {
        guard let before, let now else { return nil }
        return now - before
    }

    /// The sum of the operator's `controller_runtime_reconcile_total` over its result labels.
    static func reconcileTotal(metricsPort: Int) throws -> Int {
        let client = KubeClient(config: ClusterConfig(server: "http://127.0.0.1:\(metricsPort)"))
        let response = try client.send(HTTPRequest(method: "GET", path: "/metrics"))
        guard response.status == 200 else { throw BenchError("GET /metrics answered \(response.status)") }
        return String(decoding: response.body, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("controller_runtime_reconcile_total{") }
            .compactMap { line in line.split(separator: " ").last.flatMap { Double($0) }.map { Int($0) } }
            .reduce(0, +)
    }

    /// Polls the DynamoDeployment list until `done` holds; returns when it first did. `lists`
    /// counts the polls, so they can be told apart from the operator's own requests.
    private func waitUntil(_ client: KubeClient, namespace: String, op: LoggedProcess, lists: inout Int,
                           _ done: ([DynamoDeployment]) -> Bool) throws -> Date {
        let deadline = Date().addingTimeInterval(options.timeout)
        while Date() < deadline {
            let items = try client.listAll(DynamoDeployment.self, namespace: namespace).items
            lists += 1
            if done(items) { return Date() }
            guard op.isRunning else { throw BenchError("the operator exited:\n\(op.log().suffix(3000))") }
            Thread.sleep(forTimeInterval: Self.readyPollInterval)
        }
        throw BenchError("not converged within \(options.timeout) s; operator log:\n\(op.log().suffix(3000))")
    }

    /// Waits until all `n` DynamoDeployments are Ready for their current generation, the way
    /// `kubectl wait` does: one list, then a watch from its resourceVersion (polling lists of N
    /// objects would cost the server more than some of what is measured). Returns the instant
    /// the last one turned Ready; `requests` counts the list and watch calls made, by verb.
    private func watchUntilReady(_ client: KubeClient, namespace: String, n: Int, op: LoggedProcess,
                                 requests: inout [String: Int]) throws -> Date {
        final class Progress: @unchecked Sendable {
            let lock = NSLock()
            var ready: Set<String> = []
            var done: Date?
            var failure: Error?
            var watches = 0
        }
        let progress = Progress()
        let list = try client.list(DynamoDeployment.self, namespace: namespace)
        requests["list", default: 0] += 1
        for dd in list.items where ReadinessView(dd).isReady { progress.ready.insert(dd.metadata.name ?? "") }
        if progress.ready.count == n { return Date() }

        let cancel = CancellationToken()
        let watching = DispatchGroup()
        watching.enter()
        let startVersion = list.metadata.resourceVersion
        let timeout = Int(options.timeout)
        Thread.detachNewThread {
            var version = startVersion
            defer { watching.leave() }
            while !cancel.isCancelled {
                progress.lock.withLock { progress.watches += 1 }
                do {
                    try client.watch(DynamoDeployment.resource, as: ReadinessView.self, namespace: namespace,
                                     options: WatchOptions(resourceVersion: version, timeoutSeconds: timeout), cancel: cancel) { event in
                        let object: ReadinessView
                        switch event {
                        case .added(let dd), .modified(let dd), .deleted(let dd): object = dd
                        case .bookmark(let rv, _): version = rv; return
                        }
                        version = object.metadata.resourceVersion
                        progress.lock.withLock {
                            if case .deleted = event { progress.ready.remove(object.metadata.name ?? "") }
                            else if object.isReady { progress.ready.insert(object.metadata.name ?? "") }
                            else { progress.ready.remove(object.metadata.name ?? "") }
                            if progress.ready.count == n, progress.done == nil {
                                progress.done = Date()
                                cancel.cancel()
                            }
                        }
                    }
                } catch {
                    progress.lock.withLock { progress.failure = error }
                    return
                }
            }
        }
        let deadline = Date().addingTimeInterval(options.timeout)
        defer {
            cancel.cancel()
            watching.wait()
            requests["watch", default: 0] += progress.lock.withLock { progress.watches }
        }
        while watching.wait(timeout: .now() + 0.2) == .timedOut {
            guard op.isRunning else { throw BenchError("the operator exited:\n\(op.log().suffix(3000))") }
            guard Date() < deadline else { throw BenchError("not converged within \(options.timeout) s; operator log:\n\(op.log().suffix(3000))") }
        }
        if let done = progress.lock.withLock({ progress.done }) { return done }
        throw progress.lock.withLock { progress.failure } ?? BenchError("the watch of DynamoDeployments ended early")
    }

    /// Deletes a child Deployment by hand and measures until the operator has recreated it.
    private func reaction(_ client: KubeClient, namespace: String, n: Int, trials: Int) throws -> [Double] {
        var out: [Double] = []
        for t in 0..<trials {
            let name = "g\((t * 7919) % n)-processor"
            let old = try client.get(Deployment.self, namespace: namespace, name: name)
            let start = Date()
            try client.delete(.deployments, namespace: namespace, name: name)
            let deadline = start.addingTimeInterval(30)
            while true {
                if let d = try? client.get(Deployment.self, namespace: namespace, name: name), d.metadata.uid != old.metadata.uid {
                    out.append(Date().timeIntervalSince(start))
                    break
                }
                if Date() > deadline { throw BenchError("\(name) was not recreated within 30 s") }
                Thread.sleep(forTimeInterval: 0.001)
            }
        }
        return out
    }

    /// What a replay issues besides the children's applies.
    enum ReplayExtra: String {
        case status, events = "Events"

        /// "applies + status + Events": what a replay with `extras` writes.
        static func writes(_ extras: [ReplayExtra]) -> String {
            (["applies"] + extras.map(\.rawValue)).joined(separator: " + ")
        }
    }

    /// `lowerBoundRounds` replay rounds; the fastest counts (a shared machine only ever adds).
    private func fastestReplay(_ client: KubeClient, n: Int, standin: LoggedProcess?, extras: [ReplayExtra])
        throws -> (best: LowerBoundRound, rounds: [LowerBoundRound], writesPerGraph: Int) {
        var rounds: [LowerBoundRound] = []
        var writesPerGraph = 0
        let what = extras.isEmpty ? "lower bound" : "write floor (\(ReplayExtra.writes(extras)))"
        for _ in 0..<Self.lowerBoundRounds {
            let (round, perGraph) = try replay(client, n: n, standin: standin, extras: extras)
            rounds.append(round)
            writesPerGraph = perGraph
            log("N=\(n): \(what) \(format(round.seconds)) s (CPU: server \(format(round.serverCPUSeconds ?? 0)) s, client \(format(round.clientCPUSeconds ?? 0)) s)")
        }
        guard let best = rounds.min(by: { $0.seconds < $1.seconds }) else { throw BenchError("no \(what) round ran") }
        return (best, rounds, writesPerGraph)
    }

    /// One round in a fresh namespace: the client alone issues the 8N child applies (ownerless,
    /// so no garbage collector takes them) and, per `extras`, the operator's status patches of
    /// N DynamoDeployments created beforehand and its Events, on as many threads as the operator
    /// has workers. Only the writes are timed and their CPU counted; the namespace is gone again
    /// before the next round starts, so its cleanup never competes with a measurement.
    private func replay(_ client: KubeClient, n: Int, standin: LoggedProcess?, extras: [ReplayExtra]) throws -> (LowerBoundRound, Int) {
        enum Write {
            case apply(OperatorWrites.Apply)
            case status(name: String, patch: JSONValue)
            case event(JSONValue)
        }
        let label = extras.isEmpty ? "lower" : "floor"
        let namespace = "bench-\(label)-\(n)-\(UUID().uuidString.prefix(4).lowercased())"
        _ = try client.create(.namespaces, namespace: nil, body: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]])
        defer { removeNamespace(client, namespace) }
        let owners: [DynamoDeployment]
        if extras.contains(.status) {
            let created = Mutex([DynamoDeployment?](repeating: nil, count: n))
            try parallel(n, threads: Self.creators) { i in
                let dd = try client.create(DynamoDeployment.resource, namespace: namespace,
                                           body: BenchGraph.object(name: "g\(i)", namespace: namespace, components: options.components))
                    .decode(as: DynamoDeployment.self)
                created.withLock { $0[i] = dd }
            }
            owners = created.withLock { $0.compactMap { $0 } }
        } else {
            owners = try (0..<n).map { try BenchGraph.typed(name: "g\($0)", namespace: namespace, components: options.components) }
        }
        var writes: [Write] = []
        for dd in owners {
            let graph = try OperatorWrites(dd: dd, ownerless: true)
            writes += graph.applies.map(Write.apply)
            if extras.contains(.status) { writes += graph.statusPatches.map { .status(name: dd.metadata.name ?? "", patch: $0) } }
            if extras.contains(.events) { writes += graph.events.map(Write.event) }
        }
        let all = writes
        let serverCPUBefore = standin?.cpuSeconds()
        let clientCPUBefore = ProcFile.cpuSeconds(pid: getpid())
        let start = Date()
        try parallel(all.count, threads: options.workers) { i in
            switch all[i] {
            case .apply(let a):
                _ = try client.patch(a.kind.resource, namespace: namespace, name: a.name, patch: .apply(a.object),
                                     options: WriteOptions(fieldManager: ClientClusterWriter.fieldManager, force: true))
            case .status(let name, let patch):
                try client.patchIgnoringResult(DynamoDeployment.resource, namespace: namespace, name: name, patch: .merge(patch),
                                               subresource: "status", options: WriteOptions(fieldManager: ClientClusterWriter.fieldManager))
            case .event(let body):
                try client.createIgnoringResult(.events, namespace: namespace, body: body)
            }
        }
        let seconds = Date().timeIntervalSince(start)
        let round = LowerBoundRound(seconds: seconds,
                                    serverCPUSeconds: Self.cpuSpent(since: serverCPUBefore, now: standin?.cpuSeconds()),
                                    clientCPUSeconds: Self.cpuSpent(since: clientCPUBefore, now: ProcFile.cpuSeconds(pid: getpid())))
        return (round, all.count / max(n, 1))
    }

    /// Deletes a replay's namespace and waits (bounded) until the server has removed it and
    /// everything in it.
    private func removeNamespace(_ client: KubeClient, _ namespace: String) {
        try? client.delete(.namespaces, namespace: nil, name: namespace)
        let deadline = Date().addingTimeInterval(Self.namespaceRemovalTimeout)
        while Date() < deadline {
            do {
                _ = try client.get(Namespace.self, namespace: nil, name: namespace)
            } catch let e as KubeError where e.isNotFound {
                return
            } catch {
                break
            }
            Thread.sleep(forTimeInterval: Self.readyPollInterval)
        }
        log("namespace \(namespace) still present after \(format(Self.namespaceRemovalTimeout, 0)) s; going on")
    }
}

/// Runs `body(i)` for i in 0..<count on `threads` threads; rethrows the first error (and
/// hands out no new index after it).
func parallel(_ count: Int, threads: Int, _ body: @escaping @Sendable (Int) throws -> Void) throws {
    final class Cursor: Sendable {
        struct State {
            var next = 0
            var failure: Error?
        }
        let state = Mutex(State())
    }
    let cursor = Cursor()
    let group = DispatchGroup()
    for _ in 0..<max(1, threads) {
        group.enter()
        Thread.detachNewThread {
            defer { group.leave() }
            while true {
                let i: Int? = cursor.state.withLock { s in
                    guard s.failure == nil, s.next < count else { return nil }
                    defer { s.next += 1 }
                    return s.next
                }
                guard let i else { return }
                do { try body(i) } catch { cursor.state.withLock { s in if s.failure == nil { s.failure = error } } }
            }
        }
    }
    group.wait()
    if let failure = cursor.state.withLock({ $0.failure }) { throw failure }
}

func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    let rank = Int((p * Double(sorted.count - 1)).rounded())
    return sorted[min(sorted.count - 1, max(0, rank))]
}

func format(_ x: Double, _ digits: Int = 2) -> String { String(format: "%.\(digits)f", x) }

func log(_ message: String) {
    FileHandle.standardError.write(Data("[dynamo-bench] \(message)\n".utf8))
}

/// What the bench's watch for Ready reads of a DynamoDeployment, as `kubectl wait` would: the
/// spec, managedFields and per-component status are skipped, so the measurement spends less of
/// the cores the operator and the server share.
struct ReadinessView: Decodable, Sendable {
    struct Metadata: Decodable, Sendable {
        var name: String?
        var generation: Int64?
        var resourceVersion: String?
    }
    struct Condition: Decodable, Sendable {
        var type: String
        var status: String
    }
    struct Status: Decodable, Sendable {
        var observedGeneration: Int64?
        var conditions: [Condition]?
    }
    var metadata: Metadata
    var status: Status?

    init(_ dd: DynamoDeployment) {
        metadata = Metadata(name: dd.metadata.name, generation: dd.metadata.generation, resourceVersion: dd.metadata.resourceVersion)
        status = dd.status.map { s in
            Status(observedGeneration: s.observedGeneration, conditions: s.conditions?.map { Condition(type: $0.type, status: $0.status) })
        }
    }

    /// Ready for the current generation.
    var isReady: Bool {
        status?.observedGeneration == metadata.generation
            && status?.conditions?.contains { $0.type == "Ready" && $0.status == "True" } == true
    }
}

import Foundation
import Synchronization
import Testing
import KubeClient
import Metrics
@testable import KubeRuntime
import TestPolling

/// Drives the real queue, workers, elector and client into a `ControllerMetrics`, then reads the
/// rendered text back with a strict parser.
@Suite struct ControllerMetricsTests {
    static let controller = "dynamodeployment"

    struct Boom: Error {}

    func parse(_ metrics: ControllerMetrics) throws -> PrometheusText {
        try PrometheusText(String(decoding: metrics.render(), as: UTF8.self))
    }

    @Test func workQueueAndWorkersPublishControllerRuntimeSeries() throws {
        let metrics = ControllerMetrics()
        let clock = ManualClock()
        let queue = WorkQueue<String>(clock: clock, metrics: metrics.workQueue(name: Self.controller, controller: Self.controller))
        metrics.observeInFlightWork(of: queue, name: Self.controller, controller: Self.controller)
        let failuresLeft = Mutex(["flaky": 1])
        let slowStarted = DispatchSemaphore(value: 0)
        let slowRelease = DispatchSemaphore(value: 0)
        let workers = Workers(queue: queue, count: 2, clock: clock,
                              metrics: metrics.reconcile(controller: Self.controller, maxConcurrentReconciles: 2)) { key in
            if key == "slow" {
                slowStarted.signal()
                slowRelease.wait()
            }
            let fail = failuresLeft.withLock { left -> Bool in
                guard let n = left[key], n > 0 else { return false }
                left[key] = n - 1
                return true
            }
            if fail { throw Boom() }
            return key == "later" ? .requeueAfter(30) : .done
        }
        let labels = ["controller": Self.controller]
        let queueLabels = ["name": Self.controller, "controller": Self.controller]
        func total(_ result: String) -> Double? {
            (try? parse(metrics))?.value("controller_runtime_reconcile_total", ["controller": Self.controller, "result": result])
        }

        // Before any work: every series exists, at zero.
        var text = try parse(metrics)
        for result in ["success", "error", "requeue", "requeue_after"] {
            #expect(text.value("controller_runtime_reconcile_total", ["controller": Self.controller, "result": result]) == 0)
        }
        #expect(text.value("controller_runtime_max_concurrent_reconciles", labels) == 2)
        #expect(text.value("controller_runtime_active_workers", labels) == 0)
        #expect(text.value("workqueue_depth", queueLabels) == 0)

        for key in ["a", "b", "flaky", "later"] { queue.add(key) }
        #expect(try parse(metrics).value("workqueue_depth", queueLabels) == 4, "nothing started yet: all four wait")
        workers.start()
        defer { workers.stop(drainTimeout: 5) }

        // a, b succeed; flaky fails once and is queued for a rate-limited retry; later asks for 30 s.
        #expect(pollUntil(10) { total("success") == 2 && total("error") == 1 && total("requeue_after") == 1 })
        clock.advance(by: 1) // the retry's backoff (5 ms) falls due; "later" (30 s) does not
        #expect(pollUntil(10) { total("success") == 3 })
        #expect(pollUntil(10) { (try? parse(metrics).value("controller_runtime_active_workers", labels)) == 0 })

        text = try parse(metrics)
        #expect(text.types["controller_runtime_reconcile_total"] == "counter")
        #expect(text.value("controller_runtime_reconcile_total", ["controller": Self.controller, "result": "requeue"]) == 0)
        #expect(text.value("controller_runtime_reconcile_errors_total", labels) == 1)
        let reconcileTime = try text.histogram("controller_runtime_reconcile_time_seconds", labels)
        #expect(reconcileTime.count == 5)
        #expect(reconcileTime.buckets.map(\.le) == ControllerMetrics.reconcileTimeBuckets + [.infinity])
        #expect(text.value("workqueue_adds_total", queueLabels) == 5, "four keys plus flaky's retry")
        #expect(text.value("workqueue_retries_total", queueLabels) == 1)
        #expect(text.value("workqueue_depth", queueLabels) == 0)
        #expect(try text.histogram("workqueue_queue_duration_seconds", queueLabels).count == 5)
        let work = try text.histogram("workqueue_work_duration_seconds", queueLabels)
        #expect(work.count == 5)
        #expect(work.buckets.map(\.le) == ControllerMetrics.workQueueBuckets + [.infinity])
        #expect(text.types["workqueue_depth"] == "gauge")
        #expect(text.help["controller_runtime_reconcile_total"] == "Total number of reconciliations per controller")

        // In-flight work: a key held for 7 s on the queue's clock shows in both sampled gauges.
        #expect(text.value("workqueue_unfinished_work_seconds", queueLabels) == 0)
        queue.add("slow")
        slowStarted.wait()
        clock.advance(by: 7)
        text = try parse(metrics)
        #expect(text.value("workqueue_unfinished_work_seconds", queueLabels) == 7)
        #expect(text.value("workqueue_longest_running_processor_seconds", queueLabels) == 7)
        #expect(text.value("controller_runtime_active_workers", labels) == 1)
        slowRelease.signal()
        #expect(pollUntil(10) { total("success") == 4 })
        #expect(pollUntil(10) { (try? parse(metrics).value("workqueue_longest_running_processor_seconds", queueLabels)) == 0 })
    }

    @Test func leaderGaugeFollowsARealElector() throws {
        let metrics = ControllerMetrics()
        let clock = ManualClock(start: 1_800_000_000)
        let elector = try LeaderElector(
            namespace: "dynamo-system", name: "dynamo-operator-leader", identity: "me", store: MemoryLeaseStore(),
            clock: clock, wallClock: { Date(timeIntervalSince1970: clock.now()) },
            callbacks: .init(onStartedLeading: {}, onStoppedLeading: {}),
            leaderGauge: metrics.leaderElectionGauge(name: "dynamo-operator-leader"))
        let labels = ["name": "dynamo-operator-leader"]
        #expect(try parse(metrics).value("leader_election_master_status", labels) == 0)
        elector.run()
        #expect(elector.isLeader)
        #expect(try parse(metrics).value("leader_election_master_status", labels) == 1)
        elector.release()
        #expect(try parse(metrics).value("leader_election_master_status", labels) == 0)
        #expect(try parse(metrics).types["leader_election_master_status"] == "gauge")
    }

    @Test func clientRequestsAreCountedByCodeHostAndMethod() throws {
        let metrics = ControllerMetrics()
        let server = EndpointServer(address: .listen(host: "127.0.0.1", port: 0), routes: .init(healthz: HealthChecks()))
        let port = try #require(try server.start())
        defer { server.stop() }
        let url = "http://127.0.0.1:\(port)"
        let host = ControllerMetrics.hostLabel(server: url)
        #expect(host == "127.0.0.1:\(port)")
        let client = KubeClient(config: ClusterConfig(server: url),
                                options: .init(sleep: { _ in }, onRequest: metrics.clientRequestObserver(host: host)))
        for _ in 0..<2 { _ = try client.send(HTTPRequest(method: "GET", path: "/healthz")) }
        _ = try client.send(HTTPRequest(method: "GET", path: "/nothing-here"))
        _ = try client.send(HTTPRequest(method: "PUT", path: "/healthz"))

        // A transport error (nothing listens any more) is counted under client-go's `<error>` code.
        let gone = EndpointServer(address: .listen(host: "127.0.0.1", port: 0), routes: .init())
        let gonePort = try #require(try gone.start())
        gone.stop()
        let goneHost = "127.0.0.1:\(gonePort)"
        let unreachable = KubeClient(config: ClusterConfig(server: "http://\(goneHost)"),
                                     options: .init(sleep: { _ in }, onRequest: metrics.clientRequestObserver(host: goneHost)))
        #expect(throws: (any Error).self) { try unreachable.send(HTTPRequest(method: "GET", path: "/healthz")) }

        let text = try parse(metrics)
        #expect(text.types["rest_client_requests_total"] == "counter")
        #expect(text.value("rest_client_requests_total", ["code": "200", "host": host, "method": "GET"]) == 2)
        #expect(text.value("rest_client_requests_total", ["code": "404", "host": host, "method": "GET"]) == 1)
        #expect(text.value("rest_client_requests_total", ["code": "405", "host": host, "method": "PUT"]) == 1)
        #expect(text.value("rest_client_requests_total", ["code": "<error>", "host": goneHost, "method": "GET"]) == 1)
        #expect(try text.histogram("rest_client_request_duration_seconds", ["verb": "GET", "host": host]).count == 3)
        #expect(try text.histogram("rest_client_request_duration_seconds", ["verb": "PUT", "host": host]).count == 1)
    }

    @Test func registriesAreIsolatedAndHostLabelsFollowClientGo() throws {
        let one = ControllerMetrics()
        let two = ControllerMetrics()
        one.reconcile(controller: "a", maxConcurrentReconciles: 1).reconciled(result: "error", seconds: 0.2)
        #expect(try parse(one).value("controller_runtime_reconcile_errors_total", ["controller": "a"]) == 1)
        #expect(try parse(two).samples.isEmpty)
        #expect(ControllerMetrics.hostLabel(server: "https://10.0.0.1:6443") == "10.0.0.1:6443")
        #expect(ControllerMetrics.hostLabel(server: "https://api.example.com/prefix") == "api.example.com")
    }

    @Test func swiftMetricsThroughTheExplicitFactoryLandInTheSameRegistry() throws {
        let metrics = ControllerMetrics()
        let graphs = Metrics.Counter(label: "dynamo_graphs_reconciled_total", dimensions: [("namespace", "ns")], factory: metrics.metricsFactory)
        graphs.increment(by: 3)
        let text = try parse(metrics)
        #expect(text.value("dynamo_graphs_reconciled_total", ["namespace": "ns"]) == 3)
        #expect(try parse(ControllerMetrics()).samples.isEmpty, "nothing went to a global or shared registry")
    }
}

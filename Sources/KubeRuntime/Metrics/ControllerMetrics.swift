import Foundation
import Prometheus
import Synchronization

/// The operator's Prometheus metrics under the names, labels and buckets controller-runtime and
/// client-go publish, so their dashboards and alerts work unchanged.
///
/// Guarantees:
/// - everything is recorded into `registry`, which this object is given or creates; nothing is
///   registered with swift-metrics' global `MetricsSystem`, so two instances never share series
///   (tests use one each);
/// - thread-safe: instruments may be used from any thread;
/// - `render()` is the registry's text exposition format 0.0.4 (`# HELP`, `# TYPE`, samples), with
///   the in-flight work gauges of every observed queue brought up to date first.
///
/// Why the registry's API rather than swift-metrics' `Counter(label:dimensions:factory:)`: only
/// the registry lets each metric carry controller-runtime's help text and its own histogram buckets
/// (the swift-metrics factory picks buckets by label from one factory-wide table and has no help
/// text). Application code that prefers swift-metrics gets `metricsFactory`, bound to the same
/// registry and passed explicitly, never bootstrapped.
public final class ControllerMetrics: Sendable {
    /// `Content-Type` of `render()`'s output: Prometheus text format 0.0.4.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// controller-runtime's `controller_runtime_reconcile_time_seconds` buckets.
    public static let reconcileTimeBuckets: [Double] = [
        0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
        1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60,
    ]
    /// controller-runtime's work queue buckets, `ExponentialBuckets(10e-9, 10, 12)`: 1e-8 … 1e3 s.
    /// client-go's own stop at 10 s (10 buckets); controller-runtime's two extra ones matter here
    /// because backoff can hold a key far longer than 10 s, and every client-go bucket is included.
    public static let workQueueBuckets: [Double] = [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000]
    /// client-go's `rest_client_request_duration_seconds` buckets.
    public static let restClientDurationBuckets: [Double] = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 15, 30, 60]
    /// The `result` values controller-runtime publishes; each starts at 0 for every controller so
    /// `rate()` sees the series before the first occurrence.
    public static let reconcileResults = ["success", "error", "requeue", "requeue_after"]
    /// client-go's `code` label for a request that got no HTTP answer (transport error).
    public static let transportErrorCode = "<error>"

    public let registry: PrometheusCollectorRegistry
    /// Run before each render to refresh gauges that are sampled rather than pushed.
    let samplers = Mutex<[@Sendable () -> Void]>([])

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    /// A swift-metrics factory bound to `registry`, for application metrics. Pass it explicitly
    /// (`Counter(label:dimensions:factory:)`); library code never bootstraps the global system.
    public var metricsFactory: PrometheusMetricsFactory { PrometheusMetricsFactory(registry: registry) }

    /// Instruments for one controller's workers: pass as `Workers(metrics:)`. Publishes
    /// `controller_runtime_max_concurrent_reconciles` at once and zeroes every result series.
    public func reconcile(controller: String, maxConcurrentReconciles: Int) -> ReconcileInstruments {
        let instruments = ReconcileInstruments(registry: registry, controller: controller)
        registry.makeGauge(descriptor: Names.maxConcurrentReconciles, labels: [("controller", controller)])
            .set(Double(maxConcurrentReconciles))
        return instruments
    }

    /// Instruments for one work queue: pass as `WorkQueue(metrics:)`. controller-runtime names a
    /// controller's queue after the controller, so `name` and `controller` are usually equal.
    public func workQueue(name: String, controller: String) -> WorkQueueInstruments {
        WorkQueueInstruments(registry: registry, name: name, controller: controller)
    }

    /// Publishes `workqueue_unfinished_work_seconds` and `workqueue_longest_running_processor_seconds`
    /// for `queue`, sampled at each render (client-go samples every 500 ms; sampling at scrape time
    /// is as fresh and costs nothing between scrapes). The queue is held weakly.
    public func observeInFlightWork<Key>(of queue: WorkQueue<Key>, name: String, controller: String) {
        let labels = [("name", name), ("controller", controller)]
        let unfinished = registry.makeGauge(descriptor: Names.unfinishedWork, labels: labels)
        let longest = registry.makeGauge(descriptor: Names.longestRunning, labels: labels)
        unfinished.set(to: 0)
        longest.set(to: 0)
        samplers.withLock {
            $0.append { [weak queue] in
                let work = queue?.inFlightWork() ?? (totalSeconds: 0, longestSeconds: 0)
                unfinished.set(work.totalSeconds)
                longest.set(work.longestSeconds)
            }
        }
    }

    /// `leader_election_master_status{name}`: 1 while leading, 0 otherwise; starts at 0. Pass as
    /// `LeaderElector(leaderGauge:)`; `name` is the Lease's name, as client-go labels it.
    public func leaderElectionGauge(name: String) -> @Sendable (Bool) -> Void {
        let gauge = registry.makeGauge(descriptor: Names.leaderStatus, labels: [("name", name)])
        gauge.set(to: 0)
        return { gauge.set(to: $0 ? 1 : 0) }
    }

    /// An observer for `KubeClient.Options.onRequest`: counts `rest_client_requests_total{code,host,method}`
    /// (code `<error>` when there was no answer) and records `rest_client_request_duration_seconds{verb,host}`.
    /// `host` is the API server's `host:port` (see `hostLabel(server:)`).
    public func clientRequestObserver(host: String) -> @Sendable (String, Int, TimeInterval) -> Void {
        let registry = self.registry
        return { method, status, seconds in
            let code = status == 0 ? Self.transportErrorCode : String(status)
            registry.makeCounter(descriptor: Names.restRequests, labels: [("code", code), ("host", host), ("method", method)])
                .increment()
            registry.makeValueHistogram(descriptor: Names.restDuration, labels: [("verb", method), ("host", host)],
                                        buckets: Self.restClientDurationBuckets)
                .record(seconds)
        }
    }

    /// client-go's `host` label for a server URL: `host:port` as written (`https://10.0.0.1:6443`
    /// → `10.0.0.1:6443`); the input unchanged when it has no scheme.
    public static func hostLabel(server: String) -> String {
        guard let scheme = server.range(of: "://") else { return server }
        let rest = server[scheme.upperBound...]
        return String(rest.prefix { $0 != "/" })
    }

    /// The registry in Prometheus text format 0.0.4, sampled gauges refreshed first.
    public func render() -> [UInt8] {
        for sample in samplers.withLock({ $0 }) { sample() }
        return registry.emitToBuffer()
    }
}

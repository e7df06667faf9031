import Foundation
import Prometheus

/// One controller's `controller_runtime_*` series, fed by `Workers`.
///
/// Guarantees: every reconcile bumps `controller_runtime_reconcile_total{controller,result}` and
/// records its seconds in `controller_runtime_reconcile_time_seconds`; a result of `error` also
/// bumps `controller_runtime_reconcile_errors_total`; `activeWorkers` sets the gauge it is given.
/// Thread-safe.
public struct ReconcileInstruments: ReconcileMetrics {
    let registry: PrometheusCollectorRegistry
    let controller: String
    let totals: [String: Counter]
    let errors: Counter
    let time: ValueHistogram
    let active: Gauge

    init(registry: PrometheusCollectorRegistry, controller: String) {
        let labels = [("controller", controller)]
        self.registry = registry
        self.controller = controller
        var totals: [String: Counter] = [:]
        for result in ControllerMetrics.reconcileResults {
            totals[result] = registry.makeCounter(descriptor: Names.reconcileTotal, labels: [("controller", controller), ("result", result)])
        }
        self.totals = totals
        errors = registry.makeCounter(descriptor: Names.reconcileErrors, labels: labels)
        time = registry.makeValueHistogram(descriptor: Names.reconcileTime, labels: labels, buckets: ControllerMetrics.reconcileTimeBuckets)
        active = registry.makeGauge(descriptor: Names.activeWorkers, labels: labels)
        active.set(to: 0)
    }

    public func reconciled(result: String, seconds: TimeInterval) {
        let counter = totals[result]
            ?? registry.makeCounter(descriptor: Names.reconcileTotal, labels: [("controller", controller), ("result", result)])
        counter.increment()
        if result == "error" { errors.increment() }
        time.record(seconds)
    }

    public func activeWorkers(_ count: Int) { active.set(Double(count)) }
}

/// One work queue's `workqueue_*` series, fed by `WorkQueue`.
///
/// Guarantees: each callback of `WorkQueueMetrics` updates exactly its series, labelled
/// `{name, controller}`; durations go to histograms with `ControllerMetrics.workQueueBuckets`.
/// Thread-safe.
public struct WorkQueueInstruments: WorkQueueMetrics {
    let depthGauge: Gauge
    let adds: Counter
    let retries: Counter
    let queueDuration: ValueHistogram
    let workDuration: ValueHistogram

    init(registry: PrometheusCollectorRegistry, name: String, controller: String) {
        let labels = [("name", name), ("controller", controller)]
        depthGauge = registry.makeGauge(descriptor: Names.depth, labels: labels)
        depthGauge.set(to: 0)
        adds = registry.makeCounter(descriptor: Names.adds, labels: labels)
        retries = registry.makeCounter(descriptor: Names.retries, labels: labels)
        queueDuration = registry.makeValueHistogram(descriptor: Names.queueDuration, labels: labels, buckets: ControllerMetrics.workQueueBuckets)
        workDuration = registry.makeValueHistogram(descriptor: Names.workDuration, labels: labels, buckets: ControllerMetrics.workQueueBuckets)
    }

    public func added() { adds.increment() }
    public func depth(_ depth: Int) { depthGauge.set(Double(depth)) }
    public func queued(seconds: TimeInterval) { queueDuration.record(seconds) }
    public func worked(seconds: TimeInterval) { workDuration.record(seconds) }
    public func retried() { retries.increment() }
}

import Prometheus

/// Metric names and help texts exactly as controller-runtime and client-go publish them: the
/// names are what dashboards query; the help texts must stay constant per name (the registry
/// rejects two help texts for one name). Computed, because `MetricNameDescriptor` is not Sendable
/// and so cannot be a stored static.
enum Names {
    static func make(_ name: String, _ help: String) -> MetricNameDescriptor {
        // The full name goes in `metricName`; empty parts are skipped when the name is joined.
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }

    static var reconcileTotal: MetricNameDescriptor { make("controller_runtime_reconcile_total", "Total number of reconciliations per controller") }
    static var reconcileErrors: MetricNameDescriptor { make("controller_runtime_reconcile_errors_total", "Total number of reconciliation errors per controller") }
    static var reconcileTime: MetricNameDescriptor { make("controller_runtime_reconcile_time_seconds", "Length of time per reconciliation per controller") }
    static var activeWorkers: MetricNameDescriptor { make("controller_runtime_active_workers", "Number of currently used workers per controller") }
    static var maxConcurrentReconciles: MetricNameDescriptor { make("controller_runtime_max_concurrent_reconciles", "Maximum number of concurrent reconciles per controller") }

    static var depth: MetricNameDescriptor { make("workqueue_depth", "Current depth of workqueue") }
    static var adds: MetricNameDescriptor { make("workqueue_adds_total", "Total number of adds handled by workqueue") }
    static var queueDuration: MetricNameDescriptor { make("workqueue_queue_duration_seconds", "How long in seconds an item stays in workqueue before being requested") }
    static var workDuration: MetricNameDescriptor { make("workqueue_work_duration_seconds", "How long in seconds processing an item from workqueue takes.") }
    static var retries: MetricNameDescriptor { make("workqueue_retries_total", "Total number of retries handled by workqueue") }
    static var unfinishedWork: MetricNameDescriptor { make(
        "workqueue_unfinished_work_seconds",
        "How many seconds of work has been done that is in progress and hasn't been observed by work_duration. "
            + "Large values indicate stuck threads. One can deduce the number of stuck threads by observing the rate at which this increases.") }
    static var longestRunning: MetricNameDescriptor { make(
        "workqueue_longest_running_processor_seconds",
        "How many seconds has the longest running processor for workqueue been running.") }

    static var leaderStatus: MetricNameDescriptor { make(
        "leader_election_master_status",
        "Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master. "
            + "'name' is the string used to identify the lease. Please make sure to group by name.") }

    static var restRequests: MetricNameDescriptor { make("rest_client_requests_total", "Number of HTTP requests, partitioned by status code, method, and host.") }
    static var restDuration: MetricNameDescriptor { make("rest_client_request_duration_seconds", "Request latency in seconds. Broken down by verb, and host.") }
}

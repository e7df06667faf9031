import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import DynamoController
import KubeClient
import KubeRuntime

/// `dynamo-operator run`: the controller process.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the operator: reconcile DynamoDeployments until SIGTERM/SIGINT.",
        discussion: """
            Exit status: 0 after a graceful shutdown (in-flight reconciles drained, the leader lease released); \
            1 when startup checks fail (CRD missing, RBAC missing, server unreachable, port in use) or the leader lease is lost.
            """)

    /// controller-runtime's default sync period: every object is reconciled again at least this
    /// often (seconds), repairing anything a missed event left behind.
    static let defaultResyncSeconds = 36_000.0
    /// The controller's name in metrics labels (controller-runtime uses the lower-cased kind).
    static let controllerName = "dynamodeployment"
    /// The `/readyz` check: a standby with synced caches is ready (it can take over at once).
    static let readyCheckName = "informers-synced"

    @Option(help: "Path to a kubeconfig (default: KUBECONFIG, in-cluster, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: its current-context).")
    var context: String?

    @Option(name: [.customShort("n"), .long], help: "Watch only this namespace (default: all namespaces).")
    var namespace: String?

    @Option(help: "Concurrent reconciles.")
    var workers: Int = Workers<Int>.defaultCount

    @Option(help: "Elect a leader so only one replica reconciles (true|false).")
    var leaderElect: Bool = true

    @Option(help: "Namespace of the leader Lease (default: the pod's namespace in-cluster, else the kubeconfig context's).")
    var leaderElectionNamespace: String?

    @Option(help: "Address of the /metrics endpoint ([host]:port, or 0 to disable).")
    var metricsBindAddress: String = ":8080"

    @Option(help: "Address of the /healthz and /readyz endpoints ([host]:port, or 0 to disable).")
    var healthProbeBindAddress: String = ":8081"

    @Option(help: "Minimum log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    @Option(help: "Log format: text or json.")
    var logFormat: String = "text"

    @Option(help: "Reconcile every DynamoDeployment again at least this often, in seconds (0 disables).")
    var resyncPeriod: Double = defaultResyncSeconds

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard resyncPeriod >= 0 else { throw ValidationError("--resync-period must be 0 or positive") }
        if let ns = namespace, ns.isEmpty { throw ValidationError("--namespace must not be empty") }
        do {
            _ = try logOptions()
            _ = try BindAddress(parsing: metricsBindAddress)
            _ = try BindAddress(parsing: healthProbeBindAddress)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func logOptions() throws -> LogOptions { try LogOptions(level: logLevel, format: logFormat) }

    func run() async throws {
        try logOptions().bootstrap()
        let logger = Logger(label: "dynamo.operator")
        let metrics = ControllerMetrics()

        let client: KubeClient
        do {
            let config = try ClusterConfig.load(kubeconfigPath: kubeconfig, context: context)
            let observer = metrics.clientRequestObserver(host: ControllerMetrics.hostLabel(server: config.server))
            client = KubeClient(config: config, options: KubeClient.Options(onRequest: observer), logger: Logger(label: "kube.client"))
        } catch {
            throw fail(StartupCheck.classify(error, verb: "load", resource: .namespaces, namespace: nil, server: "(unknown)"))
        }

        let configuration = operatorConfiguration(clientNamespace: client.namespace)
        let hooks = OperatorMetricsHooks(
            queue: metrics.workQueue(name: Self.controllerName, controller: Self.controllerName),
            reconcile: metrics.reconcile(controller: Self.controllerName, maxConcurrentReconciles: workers),
            leaderGauge: metrics.leaderElectionGauge(name: configuration.leaderElection?.leaseName ?? OperatorConfiguration.defaultLeaseName))
        let runtime: OperatorRuntime
        do {
            runtime = try OperatorRuntime(client: client, configuration: configuration, metrics: hooks, logger: logger)
            try runtime.preflight()
        } catch {
            throw fail(StartupCheck.classify(error, verb: "list", resource: .namespaces, namespace: namespace, server: client.server))
        }
        metrics.observeInFlightWork(of: runtime.workQueue, name: Self.controllerName, controller: Self.controllerName)

        let endpoints: [EndpointService]
        do {
            endpoints = try [
                EndpointService.bind(EndpointServer(bindAddress: metricsBindAddress, routes: .init(metrics: metrics))),
                EndpointService.bind(EndpointServer(bindAddress: healthProbeBindAddress, routes: probeRoutes(runtime))),
            ].compactMap { $0 }
        } catch {
            throw fail(.failed("cannot serve metrics/probes: \(error)"))
        }

        // Graceful shutdown runs in reverse order: the operator drains and releases the Lease
        // first, the endpoints stop last (probes and a final scrape still answer meanwhile).
        let services = endpoints.map {
            ServiceGroupConfiguration.ServiceConfiguration(service: $0, successTerminationBehavior: .gracefullyShutdownGroup,
                                                           failureTerminationBehavior: .gracefullyShutdownGroup)
        } + [.init(service: OperatorService(runtime: runtime), successTerminationBehavior: .gracefullyShutdownGroup,
                   failureTerminationBehavior: .gracefullyShutdownGroup)]
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("operator stopped", metadata: ["error": "\(error)"])
            printError("error: \(error)")
            throw ExitCode(1)
        }
    }

    /// `/healthz`: the process answers (ping). `/readyz`: every informer has synced; leader or
    /// standby alike, since a synced standby can take over at once.
    func probeRoutes(_ runtime: OperatorRuntime) -> EndpointServer.Routes {
        let healthz = HealthChecks()
        healthz.add("ping", HealthChecks.ping)
        let readyz = HealthChecks()
        readyz.add(Self.readyCheckName, failureReason: "informer caches have not synced yet") { runtime.hasSynced }
        return .init(healthz: healthz, readyz: readyz)
    }

    /// The runtime's configuration from the flags; `clientNamespace` is the in-cluster or
    /// kubeconfig-context namespace, the default home of the leader Lease.
    func operatorConfiguration(clientNamespace: String) -> OperatorConfiguration {
        let identity = LeaderElector.defaultIdentity()
        return OperatorConfiguration(
            namespace: namespace, workers: workers,
            leaderElection: leaderElect ? LeaderElectionSettings(namespace: leaderElectionNamespace ?? clientNamespace, identity: identity) : nil,
            resyncPeriod: resyncPeriod > 0 ? resyncPeriod : nil,
            instance: identity)
    }

    /// Prints the one-line reason and returns the exit status to throw.
    func fail(_ error: StartupError) -> ExitCode {
        printError("error: \(error)")
        return ExitCode(1)
    }
}

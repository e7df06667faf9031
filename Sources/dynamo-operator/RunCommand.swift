import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import DynamoController
import KubeClient
import KubeRuntime

/// Log output formats.
enum LogFormat: String, ExpressibleByArgument, CaseIterable, Sendable {
    case text, json
}

/// `dynamo-operator run`: the controller process.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run the operator: reconcile DynamoDeployments until SIGTERM/SIGINT.",
        discussion: """
            Exit status: 0 after a graceful shutdown (in-flight reconciles drained, the leader lease released); \
            1 when startup checks fail (CRD missing, RBAC missing, server unreachable) or the leader lease is lost.
            """)

    /// controller-runtime's default sync period: every object is reconciled again at least this
    /// often (seconds), repairing anything a missed event left behind.
    static let defaultResyncSeconds = 36_000.0

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
    var logFormat: LogFormat = .text

    @Option(help: "Reconcile every DynamoDeployment again at least this often, in seconds (0 disables).")
    var resyncPeriod: Double = defaultResyncSeconds

    func validate() throws {
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard resyncPeriod >= 0 else { throw ValidationError("--resync-period must be 0 or positive") }
        do {
            _ = try BindAddress.parse(metricsBindAddress)
            _ = try BindAddress.parse(healthProbeBindAddress)
        } catch {
            throw ValidationError("\(error)")
        }
        if let ns = namespace, ns.isEmpty { throw ValidationError("--namespace must not be empty") }
    }

    var level: Logger.Level { Logger.Level(rawValue: logLevel) ?? .info }

    func run() async throws {
        OperatorLogging.bootstrap(format: logFormat, level: level)
        let logger = Logger(label: "dynamo.operator")

        let client: KubeClient
        do {
            client = try KubeClient.load(kubeconfigPath: kubeconfig, context: context, logger: Logger(label: "kube.client"))
        } catch {
            throw fail(StartupCheck.classify(error, verb: "load", resource: .namespaces, namespace: nil, server: "(unknown)"))
        }

        let runtime: OperatorRuntime
        do {
            runtime = try OperatorRuntime(client: client, configuration: operatorConfiguration(clientNamespace: client.namespace), logger: logger)
            try runtime.preflight()
        } catch {
            throw fail(StartupCheck.classify(error, verb: "list", resource: .namespaces, namespace: namespace, server: client.server))
        }

        // Metrics (/metrics) and probes (/healthz, /readyz) join the group here once KubeRuntime
        // provides their servers: readiness is `runtime.hasSynced`, the leader gauge and queue /
        // reconcile metrics go in through `OperatorMetricsHooks`, the client's through `onRequest`.
        let group = ServiceGroup(configuration: ServiceGroupConfiguration(
            services: [.init(service: OperatorService(runtime: runtime),
                             successTerminationBehavior: .gracefullyShutdownGroup,
                             failureTerminationBehavior: .gracefullyShutdownGroup)],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        do {
            try await group.run()
        } catch {
            logger.error("operator stopped", metadata: ["error": "\(error)"])
            printError("error: \(error)")
            throw ExitCode(1)
        }
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

import Foundation
import KubeClient
import KubeModel
import KubeStandin
import DynamoAPI
import DynamoController

/// The cluster a scenario runs against: the in-process stand-in API server by default, a real
/// cluster when `DYNAMO_E2E_KUBECONFIG` is set.
///
/// Guarantees: the DynamoDeployment CRD is installed (and established) before `start` returns;
/// every namespace made by `makeNamespace` is deleted by `stop`; on the stand-in, Deployment
/// readiness is simulated by the server, on a real cluster by `ReadinessPatcher` when
/// `DYNAMO_E2E_SIMULATE_READINESS=1`, otherwise it is the cluster's own.
final class E2ECluster: @unchecked Sendable {
    /// Delay of the stand-in's readiness simulator: long enough that "Waiting" and
    /// "Progressing" are observable states, short enough to keep scenarios quick.
    static let simulatedRolloutDelay = 0.1

    let settings: E2ESettings
    let client: KubeClient
    /// The kubeconfig the operator processes are started with.
    let kubeconfigPath: String
    let api: APIServer?
    let server: StandinServer?
    let patcher: ReadinessPatcher?
    private let lock = NSLock()
    private var namespaces: [String] = []
    private let scratch: URL

    private init(settings: E2ESettings, client: KubeClient, kubeconfigPath: String, api: APIServer?, server: StandinServer?,
                 patcher: ReadinessPatcher?, scratch: URL) {
        self.settings = settings
        self.client = client
        self.kubeconfigPath = kubeconfigPath
        self.api = api
        self.server = server
        self.patcher = patcher
        self.scratch = scratch
    }

    static func start(settings: E2ESettings = .current) throws -> E2ECluster {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dynamo-e2e-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        let cluster: E2ECluster
        if let kubeconfig = settings.kubeconfig {
            let client = try KubeClient.load(kubeconfigPath: kubeconfig)
            let patcher = settings.simulateReadiness ? ReadinessPatcher(client: client) : nil
            cluster = E2ECluster(settings: settings, client: client, kubeconfigPath: kubeconfig, api: nil, server: nil,
                                 patcher: patcher, scratch: scratch)
        } else {
            let api = APIServer()
            api.setReadinessSimulation(delaySeconds: simulatedRolloutDelay)
            let server = StandinServer(backend: api, options: .init())
            _ = try server.start()
            let path = scratch.appendingPathComponent("kubeconfig").path
            try server.kubeconfig(user: "e2e").write(toFile: path, atomically: true, encoding: .utf8)
            let client = try KubeClient.load(kubeconfigPath: path)
            cluster = E2ECluster(settings: settings, client: client, kubeconfigPath: path, api: api, server: server,
                                 patcher: nil, scratch: scratch)
        }
        try cluster.installCRD()
        cluster.patcher?.start()
        return cluster
    }

    var onStandin: Bool { api != nil }

    /// Whether a scenario can hold one Deployment unready while others roll out.
    var canHoldReadiness: Bool { api != nil || patcher != nil }

    /// Keeps `name` (a Deployment) at its current status until `releaseReadiness`.
    func holdReadiness(namespace: String, name: String) {
        if let api { api.blockReadiness(namespace: namespace, name: name) }
        patcher?.hold(namespace: namespace, name: name)
    }

    func releaseReadiness(namespace: String, name: String) {
        if let api { api.unblockReadiness(namespace: namespace, name: name) }
        patcher?.release(namespace: namespace, name: name)
    }

    /// Applies the CRD the operator serves (the generator's output, identical to deploy/crds)
    /// and waits until the API server serves the resource.
    func installCRD() throws {
        try CRDInstaller.install(client, fieldManager: "dynamo-e2e", timeout: E2ETimeouts.converge)
    }

    /// A fresh namespace for one scenario, deleted by `stop`.
    func makeNamespace(_ prefix: String = "dynamo-e2e") throws -> String {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        _ = try client.create(.namespaces, namespace: nil, body: ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]])
        lock.withLock { namespaces.append(name) }
        patcher?.watch(namespace: name)
        return name
    }

    /// Deletes the scenario namespaces and stops the stand-in.
    func stop() {
        patcher?.stop()
        for ns in lock.withLock({ namespaces }) {
            try? client.delete(.namespaces, namespace: nil, name: ns, options: DeleteOptions(propagationPolicy: "Background"))
        }
        server?.stop()
        try? FileManager.default.removeItem(at: scratch)
    }

    /// A file path in this run's scratch directory (operator logs, kubeconfigs).
    func scratchFile(_ name: String) -> String { scratch.appendingPathComponent(name).path }
}

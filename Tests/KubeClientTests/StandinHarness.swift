import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
import KubeStandin

/// One PKI for the whole KubeClientTests run (a few openssl runs).
let standinPKI: Result<StandinPKI.Bundle, any Error> = Result {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("client-pki-\(UUID().uuidString)").path
    return try StandinPKI.generate(into: dir, clients: ["bob"])
}

/// The real stand-in (`APIServer` behind `StandinServer`) over TLS, with a token user
/// (`admin-token` → admin) and client-certificate users (the PKI's CA), for the client's
/// acceptance tests. Stopped on `deinit`-free `stop()`; each test owns one, so state is fresh.
final class StandinHarness: Sendable {
    static let adminToken = "admin-token"
    /// Short, so tests of bookmarks and cancellation do not wait on the defaults.
    static let bookmarkInterval = 0.2

    let api: APIServer
    let server: StandinServer
    let url: URL
    let pki: StandinPKI.Bundle
    let tempDir: String

    init(tokens: [String: String] = [StandinHarness.adminToken: "admin"], http2: Bool = false) throws {
        pki = try standinPKI.get()
        api = APIServer(options: APIServer.Options(bookmarkInterval: Self.bookmarkInterval))
        server = StandinServer(backend: api, options: .init(tls: pki.serverTLS(clientCertificates: true), tokens: tokens, http2: http2))
        url = try server.start()
        tempDir = FileManager.default.temporaryDirectory.appendingPathComponent("standin-client-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: tempDir, withIntermediateDirectories: true)
    }

    func stop() {
        server.stop()
        try? FileManager.default.removeItem(atPath: tempDir)
    }

    /// Writes `yaml` to a file in the harness' directory and loads it as users do.
    func load(_ yaml: String, options: KubeClient.Options = .init(sleep: { _ in })) throws -> KubeClient {
        let path = "\(tempDir)/kubeconfig-\(UUID().uuidString)"
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return KubeClient(config: try ClusterConfig.load(kubeconfigPath: path), options: options)
    }

    /// The admin, authenticated by token over verified TLS.
    func admin(options: KubeClient.Options = .init(sleep: { _ in })) throws -> KubeClient {
        try load(server.kubeconfig(user: "admin", token: Self.adminToken), options: options)
    }

    /// A kubeconfig whose user runs an exec credential plugin.
    func execKubeconfig(command: String, args: [String]) -> String {
        let ca = Data(pki.ca.certificatePEM.utf8).base64EncodedString()
        let argList = args.map { "      - \"\($0)\"\n" }.joined()
        return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: standin
          cluster:
            server: \(url.absoluteString)
            certificate-authority-data: \(ca)
        contexts:
        - name: standin
          context: {cluster: standin, user: plugin, namespace: default}
        current-context: standin
        users:
        - name: plugin
          user:
            exec:
              apiVersion: client.authentication.k8s.io/v1
              command: \(command)
              args:
        \(argList)
        """
    }
}

/// A valid apps/v1 Deployment.
func deploymentJSON(_ name: String, replicas: Int = 1, labels: [String: String] = ["app": "web"], image: String = "nginx:1.27") -> JSONValue {
    let labelValue = JSONValue.object(labels.mapValues { JSONValue.string($0) })
    return [
        "apiVersion": "apps/v1", "kind": "Deployment",
        "metadata": ["name": .string(name), "labels": labelValue],
        "spec": [
            "replicas": .int(Int64(replicas)),
            "selector": ["matchLabels": ["app": "web"]],
            "template": [
                "metadata": ["labels": ["app": "web"]],
                "spec": ["containers": [["name": "main", "image": .string(image)]]],
            ],
        ],
    ]
}

/// A ConfigMap with the given data.
func configMapJSON(_ name: String, data: [String: String] = [:], labels: [String: String] = [:]) -> JSONValue {
    var metadata: JSONValue = ["name": .string(name)]
    if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { JSONValue.string($0) }) }
    return ["apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": .object(data.mapValues { JSONValue.string($0) })]
}

/// A watch on its own thread, recording events as `TYPE name` and how it ended.
final class BackgroundWatch: Sendable {
    let events = Mutex<[String]>([])
    let objects = Mutex<[JSONValue]>([])
    let outcome = Mutex<Result<Void, any Error>?>(nil)
    let cancel = CancellationToken()

    init(_ client: KubeClient, _ resource: ResourceDescriptor, namespace: String?, options: WatchOptions) {
        Thread.detachNewThread { [self] in
            let result = Result {
                try client.watch(resource, as: JSONValue.self, namespace: namespace, options: options, cancel: cancel) { event in
                    switch event {
                    case .added(let o): record("ADDED", o)
                    case .modified(let o): record("MODIFIED", o)
                    case .deleted(let o): record("DELETED", o)
                    case .bookmark: break
                    }
                }
            }
            outcome.withLock { $0 = result }
        }
    }

    private func record(_ type: String, _ object: JSONValue) {
        events.withLock { $0.append("\(type) \(object[path: ["metadata", "name"]]?.stringValue ?? "?")") }
        objects.withLock { $0.append(object) }
    }

    var seen: [String] { events.withLock { $0 } }
    var finished: Bool { outcome.withLock { $0 != nil } }
    var error: (any Error)? {
        outcome.withLock { o in
            if case .failure(let e) = o { return e }
            return nil
        }
    }
}

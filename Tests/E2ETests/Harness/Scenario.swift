import Foundation
import Testing
import KubeClient
import KubeModel
import DynamoAPI
import ChildProcesses

/// One scenario's world: a fresh namespace on the shared e2e cluster, the operator processes
/// started for it, and reads/writes phrased the way a user would do them with kubectl.
final class Scenario: @unchecked Sendable {
    /// The field manager of the "user" (kubectl apply --server-side uses `kubectl`).
    static let userManager = "e2e-user"

    let cluster: E2ECluster
    let namespace: String
    private var operators: [LoggedProcess] = []

    init(_ prefix: String = "dynamo-e2e") throws {
        cluster = try SharedCluster.get()
        namespace = try cluster.makeNamespace(prefix)
    }

    var client: KubeClient { cluster.client }

    /// Starts `dynamo-operator run` for this namespace.
    @discardableResult
    func startOperator(name: String = "op", leaderElect: Bool = false, extraArguments: [String] = []) throws -> LoggedProcess {
        let op = try OperatorProcess.start(cluster: cluster, namespace: namespace, name: name, leaderElect: leaderElect, extraArguments: extraArguments)
        operators.append(op)
        return op
    }

    /// Stops every operator this scenario started.
    func finish() {
        for op in operators { op.stop() }
    }

    /// The logs of every operator, for failure messages.
    func operatorLogs() -> String {
        operators.map { "--- \($0.logPath)\n\($0.logTail())" }.joined(separator: "\n")
    }

    // MARK: - The user's DynamoDeployment

    /// `kubectl apply --server-side` of a DynamoDeployment with these components.
    @discardableResult
    func apply(_ name: String, components: [JSONValue], entrypoints: [String]? = nil) throws -> JSONValue {
        var spec: [String: JSONValue] = ["components": .array(components)]
        if let entrypoints { spec["entrypoints"] = .array(entrypoints.map(JSONValue.string)) }
        let body: JSONValue = [
            "apiVersion": .string(DynamoDeployment.apiVersion), "kind": .string(DynamoDeployment.kind),
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": .object(spec),
        ]
        return try client.patch(DynamoDeployment.resource, namespace: namespace, name: name, patch: .apply(body),
                                options: WriteOptions(fieldManager: Self.userManager, force: true))
    }

    func dynamoDeployment(_ name: String) throws -> DynamoDeployment {
        try client.get(DynamoDeployment.self, namespace: namespace, name: name)
    }

    /// Whether the server answers 404 for this DynamoDeployment (deletion finished).
    func dynamoDeploymentIsGone(_ name: String) throws -> Bool {
        do {
            _ = try dynamoDeployment(name)
            return false
        } catch let error as KubeError where error.isNotFound {
            return true
        }
    }

    func deleteDynamoDeployment(_ name: String, propagation: String = "Foreground") throws {
        try client.delete(DynamoDeployment.resource, namespace: namespace, name: name, options: DeleteOptions(propagationPolicy: propagation))
    }

    // MARK: - Children

    func deployments(of dd: String) throws -> [Deployment] {
        try client.list(Deployment.self, namespace: namespace, options: ListOptions(labelSelector: "\(Labels.deployment)=\(dd)")).items
    }

    func services(of dd: String) throws -> [Service] {
        try client.list(Service.self, namespace: namespace, options: ListOptions(labelSelector: "\(Labels.deployment)=\(dd)")).items
    }

    func deployment(_ name: String) throws -> Deployment? {
        do {
            return try client.get(Deployment.self, namespace: namespace, name: name)
        } catch let error as KubeError where error.isNotFound {
            return nil
        }
    }

    // MARK: - Waiting

    /// Waits until the DynamoDeployment reports `Ready=True` for its current generation.
    @discardableResult
    func waitReady(_ name: String, timeout: TimeInterval = E2ETimeouts.converge) throws -> DynamoDeployment {
        try eventually("\(namespace)/\(name) Ready=True at its current generation", timeout: timeout) { () -> DynamoDeployment? in
            let dd = try dynamoDeployment(name)
            return dd.isReadyAtCurrentGeneration ? dd : nil
        }
    }

    /// Fails the scenario with the operators' logs attached.
    func check(_ body: () throws -> Void) throws {
        do {
            try body()
        } catch {
            Issue.record("\(error)\n\(operatorLogs())")
            throw error
        }
    }
}

extension DynamoDeployment {
    var readyCondition: Condition? { status?.conditions?.first { $0.type == "Ready" } }
    var isReadyAtCurrentGeneration: Bool {
        readyCondition?.status == "True" && status?.observedGeneration == metadata.generation
    }
    func componentStatus(_ name: String) -> ComponentStatus? { status?.components?.first { $0.name == name } }
}

/// One cluster (and stand-in) for the whole suite; scenarios isolate by namespace.
enum SharedCluster {
    nonisolated(unsafe) private static var cluster: E2ECluster?
    private static let lock = NSLock()

    static func get() throws -> E2ECluster {
        try lock.withLock {
            if let cluster { return cluster }
            let made = try E2ECluster.start()
            cluster = made
            atexit { SharedCluster.lock.withLock { SharedCluster.cluster?.stop() } }
            return made
        }
    }
}

/// Component builders for scenario graphs.
enum Graph {
    static func component(_ name: String, image: String = E2ESettings.current.image, replicas: Int = 1, port: Int? = nil,
                          dependsOn: [String] = [], env: [String: String] = [:]) -> JSONValue {
        var c: [String: JSONValue] = ["name": .string(name), "image": .string(image), "replicas": .int(Int64(replicas))]
        if let port { c["ports"] = [["name": "http", "port": .int(Int64(port))]] }
        if !dependsOn.isEmpty { c["dependsOn"] = .array(dependsOn.map(JSONValue.string)) }
        if !env.isEmpty { c["env"] = .object(env.mapValues(JSONValue.string)) }
        return .object(c)
    }

    /// frontend -> processor -> backend, each with a port: the aggregated serving graph.
    static func aggregated(image: String = E2ESettings.current.image, backendReplicas: Int = 1) -> [JSONValue] {
        [
            component("frontend", image: image, port: 8080, dependsOn: ["processor"]),
            component("processor", image: image, port: 8081, dependsOn: ["backend"]),
            component("backend", image: image, replicas: backendReplicas, port: 8082),
        ]
    }
}

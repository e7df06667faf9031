import Foundation
import KubeClient
import KubeModel

/// On a real cluster without nodes (`DYNAMO_E2E_SIMULATE_READINESS=1`), plays the part of a
/// Deployment rolling out: writes the status a fully rolled-out Deployment has, as the stand-in's
/// simulator does.
///
/// Guarantees: only Deployments in namespaces registered with `watch` are touched; a held
/// Deployment keeps whatever status it has until released; the status written always describes
/// the Deployment's current generation.
final class ReadinessPatcher: @unchecked Sendable {
    /// How often the watched namespaces are scanned. A poll keeps the harness independent of the
    /// code under test (no informer of ours is involved).
    static let pollInterval: TimeInterval = 0.2

    let client: KubeClient
    private let lock = NSLock()
    private var namespaces: Set<String> = []
    private var held: Set<String> = []
    private var running = false
    private let done = DispatchSemaphore(value: 0)

    init(client: KubeClient) {
        self.client = client
    }

    func watch(namespace: String) { lock.withLock { _ = namespaces.insert(namespace) } }
    func hold(namespace: String, name: String) { lock.withLock { _ = held.insert("\(namespace)/\(name)") } }
    func release(namespace: String, name: String) { lock.withLock { _ = held.remove("\(namespace)/\(name)") } }

    func start() {
        lock.withLock { running = true }
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                for ns in lock.withLock({ namespaces }) { try? patchAll(in: ns) }
                Thread.sleep(forTimeInterval: Self.pollInterval)
            }
            done.signal()
        }
    }

    func stop() {
        let wasRunning = lock.withLock { () -> Bool in
            defer { running = false }
            return running
        }
        if wasRunning { done.wait() }
    }

    private func patchAll(in namespace: String) throws {
        let list = try client.list(Deployment.self, namespace: namespace)
        for d in list.items {
            guard let name = d.metadata.name, let generation = d.metadata.generation else { continue }
            if lock.withLock({ held.contains("\(namespace)/\(name)") }) { continue }
            let replicas = d.spec?.replicas ?? 1
            let s = d.status
            if s?.observedGeneration == generation, s?.updatedReplicas ?? 0 == replicas, s?.availableReplicas ?? 0 == replicas,
               s?.readyReplicas ?? 0 == replicas, s?.replicas ?? 0 == replicas {
                continue
            }
            let now = KubeTime.format(Date())
            let status: JSONValue = [
                "observedGeneration": .int(generation),
                "replicas": .int(Int64(replicas)), "updatedReplicas": .int(Int64(replicas)),
                "readyReplicas": .int(Int64(replicas)), "availableReplicas": .int(Int64(replicas)),
                "conditions": [
                    ["type": "Available", "status": "True", "reason": "MinimumReplicasAvailable",
                     "message": "Deployment has minimum availability.", "lastUpdateTime": .string(now), "lastTransitionTime": .string(now)],
                    ["type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable",
                     "message": "simulated by the dynamo-operator e2e harness", "lastUpdateTime": .string(now), "lastTransitionTime": .string(now)],
                ],
            ]
            _ = try? client.patch(.deployments, namespace: namespace, name: name, patch: .merge(["status": status]), subresource: "status")
        }
    }
}

import Foundation
import KubeModel

/// Tuning: the manager name kube-controller-manager's deployment controller writes status as.
let deploymentControllerManager = "kube-controller-manager"

/// What kube-controller-manager's deployment controller writes once a rollout finishes, after
/// `setReadinessSimulation(delaySeconds:)`'s delay, for Deployments that are not blocked.
extension APIServer {
    /// Holds a Deployment at its current status until `unblockReadiness`.
    public func blockReadiness(namespace: String, name: String) {
        state.withLock { _ = $0.blockedReadiness.insert(ObjectRef(groupResource: "deployments.apps", namespace: namespace, name: name)) }
    }

    /// Lets a blocked Deployment roll out (after the simulation delay).
    public func unblockReadiness(namespace: String, name: String) {
        let after = state.withLock { s -> [AfterLock] in
            let ref = ObjectRef(groupResource: "deployments.apps", namespace: namespace, name: name)
            s.blockedReadiness.remove(ref)
            guard let obj = s.get(ref.groupResource, namespace, name)?.object else { return [] }
            var after: [AfterLock] = []
            scheduleReadiness(&s, namespace: namespace, name: name, generation: obj[path: ["metadata", "generation"]]?.intValue ?? 1, after: &after)
            return after
        }
        runAfter(after)
    }

    func scheduleReadiness(_ s: inout ServerState, namespace: String, name: String, generation: Int64, after: inout [AfterLock]) {
        guard let delay = s.readinessDelay else { return }
        let scheduler = options.scheduler
        after.append { [weak self] in
            guard let server = self else { return }
            scheduler.schedule(after: delay) { [weak server] in server?.rollOut(namespace: namespace, name: name, generation: generation) }
        }
    }

    /// Writes the rolled-out status if the Deployment is still at `generation` and not blocked.
    func rollOut(namespace: String, name: String, generation: Int64) {
        state.withLock { s in
            let ref = ObjectRef(groupResource: "deployments.apps", namespace: namespace, name: name)
            guard s.readinessDelay != nil, !s.blockedReadiness.contains(ref), let info = s.registry.info(ref.groupResource),
                  let old = s.get(ref.groupResource, namespace, name)?.object,
                  old[path: ["metadata", "generation"]]?.intValue == generation,
                  old[path: ["metadata", "deletionTimestamp"]] == nil else { return }
            let replicas = old[path: ["spec", "replicas"]]?.intValue ?? 1
            if old[path: ["status", "observedGeneration"]]?.intValue == generation,
               (old[path: ["status", "availableReplicas"]]?.intValue ?? 0) == replicas,
               (old[path: ["status", "conditions"]]?.arrayValue ?? []).contains(where: { $0["type"] == "Available" && $0["status"] == "True" }) {
                return  // already rolled out at this generation: nothing to write
            }
            let time = timestamp()
            var obj = old
            let template = old[path: ["spec", "template"]] ?? [:]
            var revision = Int(old[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]]?.stringValue ?? "") ?? 0
            if revision == 0 || s.rolledOutTemplates[ref] != template { revision += 1 }
            s.rolledOutTemplates[ref] = template
            obj[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] = .string(String(revision))
            let previous = old[path: ["status", "conditions"]]?.arrayValue ?? []
            func condition(_ type: String, _ reason: String, _ message: String) -> JSONValue {
                let prior = previous.first { $0["type"]?.stringValue == type }
                let since = prior?["status"]?.stringValue == "True" ? (prior?["lastTransitionTime"] ?? .string(time)) : .string(time)
                return ["type": .string(type), "status": "True", "lastUpdateTime": .string(time), "lastTransitionTime": since,
                        "reason": .string(reason), "message": .string(message)]
            }
            var status: [String: JSONValue] = ["observedGeneration": .int(generation)]
            if replicas > 0 {
                for k in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas"] { status[k] = .int(replicas) }
            }
            status["conditions"] = [
                condition("Available", "MinimumReplicasAvailable", "Deployment has minimum availability."),
                condition("Progressing", "NewReplicaSetAvailable", "ReplicaSet \"\(name)-\(Self.templateHash(template))\" has successfully progressed."),
            ]
            obj["status"] = .object(status)
            obj = ManagedFields.recordUpdate(old: old, new: obj, manager: deploymentControllerManager, apiVersion: "apps/v1",
                                             subresource: "status", time: time, schema: nil)
            s.commit(info, namespace, name, obj)
        }
    }

    /// A stable pod-template-hash-like suffix (10 chars from the name alphabet).
    static func templateHash(_ template: JSONValue) -> String {
        var h: UInt64 = 1469598103934665603
        for b in JSONWire.encode(template) { h = (h ^ UInt64(b)) &* 1099511628211 }
        var out = ""
        for _ in 0..<10 {
            out.append(generateNameAlphabet[Int(h % UInt64(generateNameAlphabet.count))])
            h /= UInt64(generateNameAlphabet.count)
        }
        return out
    }
}

import Foundation
import KubeModel
import DynamoAPI

/// The graph every benchmark DynamoDeployment describes: the disaggregated serving graph of the
/// design notes, 4 components each with a port, so 8 children (a Deployment and a Service each)
/// and a dependency depth of 3 (frontend → processor → prefill, decode).
enum BenchGraph {
    static let image = "registry.k8s.io/pause:3.10"

    static func components(count: Int = 4) -> [JSONValue] {
        var out: [JSONValue] = [
            component("frontend", port: 8000, dependsOn: ["processor"]),
            component("processor", port: 8001, dependsOn: ["prefill", "decode"]),
            component("prefill", port: 8002),
            component("decode", port: 8003),
        ]
        // Wider graphs for the CPU benchmark: extra workers hang off the processor.
        var i = 0
        while out.count < count {
            out.append(component("worker-\(i)", port: 9000 + i))
            i += 1
        }
        return Array(out.prefix(count))
    }

    static func component(_ name: String, port: Int, dependsOn: [String] = []) -> JSONValue {
        var c: [String: JSONValue] = [
            "name": .string(name), "image": .string(image), "replicas": 1,
            "ports": [["name": "http", "port": .int(Int64(port))]],
            "resources": ["requests": ["cpu": "100m", "memory": "64Mi"]],
            "env": ["LOG_LEVEL": "info"],
        ]
        if !dependsOn.isEmpty { c["dependsOn"] = .array(dependsOn.map(JSONValue.string)) }
        return .object(c)
    }

    static func object(name: String, namespace: String, components count: Int = 4) -> JSONValue {
        [
            "apiVersion": .string(DynamoDeployment.apiVersion), "kind": .string(DynamoDeployment.kind),
            "metadata": ["name": .string(name), "namespace": .string(namespace)],
            "spec": ["components": .array(components(count: count))],
        ]
    }

    /// The typed object, with the uid the API server would have given it.
    static func typed(name: String, namespace: String, components count: Int) throws -> DynamoDeployment {
        var dd = try object(name: name, namespace: namespace, components: count).decode(as: DynamoDeployment.self)
        dd.metadata.uid = UUID().uuidString.lowercased()
        dd.metadata.generation = 1
        return dd
    }
}

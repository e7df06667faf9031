import Foundation
import KubeClient
import KubeModel
import DynamoAPI

/// Installs the DynamoDeployment CRD this build generates and waits until it can be used: what
/// `dynamo-operator crd | kubectl apply -f -` followed by `kubectl wait --for=condition=Established`
/// does, for harnesses and benchmarks that start from an empty cluster.
///
/// Guarantees: the CRD is written by server-side apply (`force`), so a re-run converges an older
/// installation; it returns only once the CRD reports `Established` and a list of
/// DynamoDeployments succeeds (discovery has caught up); otherwise it throws after `timeout`.
public enum CRDInstaller {
    /// Between checks: a fresh CRD is served within a few hundred milliseconds on a real server.
    public static let pollInterval: TimeInterval = 0.05

    public struct NotServed: Error, CustomStringConvertible {
        public var description: String
    }

    public static func install(_ client: KubeClient, fieldManager: String, timeout: TimeInterval = 30) throws {
        guard let crd = try DocumentParser.parseDocuments(CRDGenerator.yaml()).first else {
            throw NotServed(description: "the CRD generator produced no document")
        }
        let name = DynamoDeployment.resource.groupResource
        _ = try client.patch(.customResourceDefinitions, namespace: nil, name: name, patch: .apply(crd),
                             options: WriteOptions(fieldManager: fieldManager, force: true))
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try isEstablished(client, name), (try? client.list(DynamoDeployment.resource, namespace: nil, options: ListOptions(limit: 1))) != nil {
                return
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
        throw NotServed(description: "CRD \(name) was not established and served within \(Int(timeout)) s")
    }

    static func isEstablished(_ client: KubeClient, _ name: String) throws -> Bool {
        let live = try client.get(.customResourceDefinitions, namespace: nil, name: name)
        return live[path: ["status", "conditions"]]?.arrayValue?.contains {
            $0["type"]?.stringValue == "Established" && $0["status"]?.stringValue == "True"
        } ?? false
    }
}

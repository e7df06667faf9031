import Foundation
import KubeClient
import KubeModel
import DynamoAPI

/// Why the operator cannot start, as one line that says what to fix.
public enum StartupError: Error, CustomStringConvertible, Equatable, Sendable {
    /// nvidia.com/v1alpha1 has no `dynamodeployments` (discovery or list answered 404).
    case crdNotInstalled
    /// A 403 on a startup request: the verb, the resource (`deployments.apps`), the scope text
    /// and the manifest that grants it.
    case forbidden(verb: String, resource: String, scope: String, fix: String)
    /// The server could not be reached (transport or TLS failure); the client's message names the URL.
    case unreachable(String)
    /// 401: the credentials were refused.
    case unauthorized(server: String)
    /// The configuration could not be loaded.
    case configuration(String)
    /// Anything else, with the server's or client's own message.
    case failed(String)

    public var description: String {
        switch self {
        case .crdNotInstalled:
            return "the DynamoDeployment CRD (dynamodeployments.nvidia.com) is not installed: kubectl apply -f deploy/crds/"
        case .forbidden(let verb, let resource, let scope, let fix):
            return "forbidden: cannot \(verb) \(resource) \(scope) — apply \(fix)"
        case .unreachable(let m):
            return "cannot reach the API server: \(m)"
        case .unauthorized(let server):
            return "unauthorized: the API server at \(server) refused the credentials — check the kubeconfig user or the service account token"
        case .configuration(let m):
            return "configuration: \(m)"
        case .failed(let m):
            return m
        }
    }
}

/// Startup checks run before any informer starts, so a misconfigured installation fails at once
/// with a precise message instead of retrying forever in the background.
///
/// Guarantees: `run` issues only requests the operator is allowed anyway (discovery, a one-item
/// list of each watched resource in its scope, a get of the Lease) and throws the first problem
/// as a `StartupError`.
public enum StartupCheck {
    /// Manifests named in forbidden messages.
    public static let clusterRoleManifest = "deploy/manifests/clusterrole.yaml"
    public static let namespacedRoleManifest = "deploy/namespaced/role.yaml"
    public static let leaderElectionRoleManifest = "deploy/manifests/leader-election-role.yaml"
    /// One item is enough to prove the verb is allowed and the resource is served.
    static let probeLimit = 1

    /// The resources the operator lists and watches, with the label selector it uses.
    public static func watched(managedSelector: String) -> [(ResourceDescriptor, String?)] {
        [(DynamoDeployment.resource, nil), (.deployments, managedSelector), (.services, managedSelector), (.horizontalPodAutoscalers, managedSelector)]
    }

    public static func run(client: KubeClient, namespace: String?, leaseNamespace: String?, leaseName: String) throws {
        try discover(client: client)
        for (resource, selector) in watched(managedSelector: OperatorRuntime.managedSelector) {
            do {
                _ = try client.list(resource, namespace: namespace, options: ListOptions(labelSelector: selector, limit: probeLimit))
            } catch {
                throw classify(error, verb: "list", resource: resource, namespace: namespace, server: client.server)
            }
        }
        if let leaseNamespace {
            do {
                _ = try client.get(ResourceDescriptor.leases, namespace: leaseNamespace, name: leaseName)
            } catch let e as KubeError where e.isNotFound {
                // Not created yet: the first leader creates it.
            } catch {
                throw classify(error, verb: "get", resource: .leases, namespace: leaseNamespace, server: client.server)
            }
        }
    }

    /// nvidia.com/v1alpha1 must be served and list `dynamodeployments`.
    static func discover(client: KubeClient) throws {
        let resource = DynamoDeployment.resource
        let response: HTTPResponse
        do {
            response = try client.send(HTTPRequest(method: "GET", path: resource.groupVersionPath))
        } catch {
            throw classify(error, verb: "get", resource: resource, namespace: nil, server: client.server)
        }
        guard (200..<300).contains(response.status) else {
            let status = (try? JSONCoding.decode(APIStatus.self, from: response.body)) ?? APIStatus(code: response.status)
            throw classify(KubeError.api(code: response.status, status: status), verb: "get", resource: resource, namespace: nil, server: client.server)
        }
        guard servesResource(discovery: response.body, plural: resource.plural) else { throw StartupError.crdNotInstalled }
    }

    /// Whether an `APIResourceList` body lists `plural`.
    public static func servesResource(discovery body: Data, plural: String) -> Bool {
        guard let list = try? JSONValue(data: body) else { return false }
        return (list["resources"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == plural }
    }

    /// Maps a startup request's failure to the message an operator installer needs.
    public static func classify(_ error: Error, verb: String, resource: ResourceDescriptor, namespace: String?, server: String) -> StartupError {
        if let e = error as? StartupError { return e }
        guard let e = error as? KubeError else { return .failed("\(error)") }
        switch e {
        case .transport(let m), .tls(let m):
            return .unreachable(m)
        case .config(let m):
            return .configuration(m)
        case .decoding(let m):
            return .failed("\(verb) \(resource.groupResource): \(m)")
        case .expired:
            return .failed("\(verb) \(resource.groupResource): \(e)")
        case .api(let code, let status):
            if code == 404 && resource.group == DynamoDeployment.resource.group { return .crdNotInstalled }
            if code == 401 { return .unauthorized(server: server) }
            if code == 403 {
                let named = status.details.flatMap { d -> String? in
                    guard let kind = d.kind, !kind.isEmpty else { return nil }
                    return (d.group ?? "").isEmpty ? kind : "\(kind).\(d.group!)"
                } ?? resource.groupResource
                let scope = namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
                let fix: String
                if resource == .leases { fix = leaderElectionRoleManifest } else { fix = namespace == nil ? clusterRoleManifest : namespacedRoleManifest }
                return .forbidden(verb: verb, resource: named, scope: scope, fix: fix)
            }
            return .failed("\(verb) \(resource.groupResource): \(e)")
        }
    }
}

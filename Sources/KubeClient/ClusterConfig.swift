import Foundation

/// TLS settings of a connection.
public struct TLSSettings: Sendable, Equatable {
    public var caFile: String?
    public var caData: Data?
    public var serverName: String?
    /// Only ever true when the kubeconfig says `insecure-skip-tls-verify: true`; logged as a warning.
    public var insecureSkipVerify = false
    public var clientCertFile: String?
    public var clientKeyFile: String?
    public var clientCertData: Data?
    public var clientKeyData: Data?
    public init() {}
}

/// How requests authenticate (besides a client certificate).
public enum AuthSettings: Sendable, Equatable {
    case none
    case token(String)
    /// A token re-read from this file (in-cluster projected tokens rotate).
    case tokenFile(String)
    case exec(ExecConfig)
}

/// Where the API server is and how to talk to it: a resolved kubeconfig context or the
/// in-cluster service account.
public struct ClusterConfig: Sendable, Equatable {
    public var server: String
    public var namespace: String
    /// The kubeconfig context, or "in-cluster"; named in error messages.
    public var context: String
    /// The kubeconfig file(s) or the service-account directory it came from.
    public var source: String
    public var tls: TLSSettings
    public var auth: AuthSettings

    public init(server: String, namespace: String = "default", context: String = "", source: String = "", tls: TLSSettings = TLSSettings(), auth: AuthSettings = .none) {
        self.server = server.hasSuffix("/") ? String(server.dropLast()) : server
        self.namespace = namespace
        self.context = context
        self.source = source
        self.tls = tls
        self.auth = auth
    }

    /// client-go's loading rules: an explicit path, else `KUBECONFIG` (a colon-separated list,
    /// merged first-file-wins), else the in-cluster service account, else `~/.kube/config`.
    /// `context` overrides the current-context.
    public static func load(kubeconfigPath: String? = nil, context: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            inClusterRoot: String = "/var/run/secrets/kubernetes.io/serviceaccount") throws -> ClusterConfig {
        if let path = kubeconfigPath, !path.isEmpty {
            return try MergedKubeConfig.load(paths: [path]).resolve(context: context)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let paths = list.split(separator: ":").map(String.init).filter { FileManager.default.fileExists(atPath: $0) }
            guard !paths.isEmpty else { throw KubeError.config("none of the files in KUBECONFIG=\(list) exists") }
            return try MergedKubeConfig.load(paths: paths).resolve(context: context)
        }
        if let host = environment["KUBERNETES_SERVICE_HOST"], let port = environment["KUBERNETES_SERVICE_PORT"], !host.isEmpty {
            return try inCluster(host: host, port: port, root: inClusterRoot)
        }
        let home = environment["HOME"] ?? NSHomeDirectory()
        let path = "\(home)/.kube/config"
        guard FileManager.default.fileExists(atPath: path) else {
            throw KubeError.config("no cluster configuration: pass --kubeconfig, set KUBECONFIG, run in a pod, or create \(path)")
        }
        return try MergedKubeConfig.load(paths: [path]).resolve(context: context)
    }

    /// The pod's service account: token (re-read as it rotates), CA and namespace.
    public static func inCluster(host: String, port: String, root: String) throws -> ClusterConfig {
        let tokenPath = "\(root)/token"
        guard FileManager.default.isReadableFile(atPath: tokenPath) else {
            throw KubeError.config("in-cluster configuration: \(tokenPath) is missing (is automountServiceAccountToken off?)")
        }
        var tls = TLSSettings()
        let ca = "\(root)/ca.crt"
        if FileManager.default.fileExists(atPath: ca) { tls.caFile = ca }
        let ns = (try? String(contentsOfFile: "\(root)/namespace", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        let hostPart = host.contains(":") ? "[\(host)]" : host
        return ClusterConfig(server: "https://\(hostPart):\(port)", namespace: ns?.isEmpty == false ? ns! : "default",
                             context: "in-cluster", source: root, tls: tls, auth: .tokenFile(tokenPath))
    }
}

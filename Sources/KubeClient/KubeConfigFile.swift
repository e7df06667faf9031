import Foundation
import Yams

/// The kubeconfig file format (`clientcmd/api/v1`), only the fields the client uses.
struct KubeConfigFile: Decodable {
    struct Named<T: Decodable>: Decodable {
        var name: String
        var value: T?
        enum CodingKeys: String, CodingKey { case name, cluster, user, context }
        init(from decoder: Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            value = try c.decodeIfPresent(T.self, forKey: .cluster) ?? c.decodeIfPresent(T.self, forKey: .user) ?? c.decodeIfPresent(T.self, forKey: .context)
        }
    }
    struct Cluster: Decodable {
        var server: String?
        var certificateAuthority: String?
        var certificateAuthorityData: String?
        var insecureSkipTLSVerify: Bool?
        var tlsServerName: String?
        enum CodingKeys: String, CodingKey {
            case server
            case certificateAuthority = "certificate-authority"
            case certificateAuthorityData = "certificate-authority-data"
            case insecureSkipTLSVerify = "insecure-skip-tls-verify"
            case tlsServerName = "tls-server-name"
        }
    }
    struct User: Decodable {
        var token: String?
        var tokenFile: String?
        var clientCertificate: String?
        var clientCertificateData: String?
        var clientKey: String?
        var clientKeyData: String?
        var exec: ExecConfig?
        enum CodingKeys: String, CodingKey {
            case token, tokenFile, exec
            case clientCertificate = "client-certificate"
            case clientCertificateData = "client-certificate-data"
            case clientKey = "client-key"
            case clientKeyData = "client-key-data"
        }
    }
    struct Context: Decodable {
        var cluster: String?
        var user: String?
        var namespace: String?
    }

    var currentContext: String?
    var clusters: [Named<Cluster>]?
    var users: [Named<User>]?
    var contexts: [Named<Context>]?

    enum CodingKeys: String, CodingKey {
        case currentContext = "current-context"
        case clusters, users, contexts
    }
}

/// An exec credential plugin as the kubeconfig declares it.
public struct ExecConfig: Decodable, Sendable, Equatable {
    public struct EnvVar: Decodable, Sendable, Equatable {
        public var name: String
        public var value: String
    }
    public var apiVersion: String?
    public var command: String
    public var args: [String]?
    public var env: [EnvVar]?
}

/// A kubeconfig after merging, with every relative path made absolute against its own file.
struct MergedKubeConfig {
    var currentContext: String?
    var clusters: [String: (KubeConfigFile.Cluster, URL)] = [:]
    var users: [String: (KubeConfigFile.User, URL)] = [:]
    var contexts: [String: KubeConfigFile.Context] = [:]
    var files: [String] = []

    /// Merges files in order; the first file to define a name (or current-context) wins, as kubectl does.
    static func load(paths: [String]) throws -> MergedKubeConfig {
        var merged = MergedKubeConfig()
        for path in paths {
            let url = URL(fileURLWithPath: path)
            guard let data = FileManager.default.contents(atPath: path) else {
                throw KubeError.config("kubeconfig \(path) cannot be read (missing or not readable)")
            }
            let file: KubeConfigFile
            do {
                file = try YAMLDecoder().decode(KubeConfigFile.self, from: data)
            } catch {
                throw KubeError.config("kubeconfig \(path) is not valid: \(error)")
            }
            merged.files.append(path)
            if merged.currentContext == nil, let c = file.currentContext, !c.isEmpty { merged.currentContext = c }
            for c in file.clusters ?? [] where merged.clusters[c.name] == nil {
                if let v = c.value { merged.clusters[c.name] = (v, url) }
            }
            for u in file.users ?? [] where merged.users[u.name] == nil {
                merged.users[u.name] = (u.value ?? KubeConfigFile.User(), url)
            }
            for c in file.contexts ?? [] where merged.contexts[c.name] == nil {
                if let v = c.value { merged.contexts[c.name] = v }
            }
        }
        return merged
    }

    func resolve(context override: String?) throws -> ClusterConfig {
        let source = files.joined(separator: ":")
        guard let contextName = override ?? currentContext else {
            throw KubeError.config("kubeconfig \(source) sets no current-context and no --context was given")
        }
        guard let context = contexts[contextName] else {
            throw KubeError.config("context \"\(contextName)\" is not defined in kubeconfig \(source) (known: \(contexts.keys.sorted().joined(separator: ", ")))")
        }
        guard let clusterName = context.cluster, let (cluster, clusterFile) = clusters[clusterName] else {
            throw KubeError.config("context \"\(contextName)\" names cluster \"\(context.cluster ?? "")\", which is not defined in \(source)")
        }
        guard let server = cluster.server, !server.isEmpty else {
            throw KubeError.config("cluster \"\(clusterName)\" in \(clusterFile.path) has no server")
        }
        let dir = clusterFile.deletingLastPathComponent()
        func abs(_ p: String?, _ base: URL) -> String? {
            guard let p, !p.isEmpty else { return nil }
            return p.hasPrefix("/") ? p : base.deletingLastPathComponent().appendingPathComponent(p).path
        }
        func b64(_ s: String?, field: String, owner: String) throws -> Data? {
            guard let s, !s.isEmpty else { return nil }
            guard let d = Data(base64Encoded: s.trimmingCharacters(in: .whitespacesAndNewlines)) else {
                throw KubeError.config("\(field) of \(owner) in \(source) is not valid base64")
            }
            return d
        }
        var tls = TLSSettings()
        tls.caFile = abs(cluster.certificateAuthority, clusterFile)
        tls.caData = try b64(cluster.certificateAuthorityData, field: "certificate-authority-data", owner: "cluster \"\(clusterName)\"")
        tls.insecureSkipVerify = cluster.insecureSkipTLSVerify ?? false
        tls.serverName = cluster.tlsServerName
        _ = dir

        var auth = AuthSettings.none
        if let userName = context.user, !userName.isEmpty {
            guard let (user, userFile) = users[userName] else {
                throw KubeError.config("context \"\(contextName)\" names user \"\(userName)\", which is not defined in \(source)")
            }
            let owner = "user \"\(userName)\""
            tls.clientCertFile = abs(user.clientCertificate, userFile)
            tls.clientKeyFile = abs(user.clientKey, userFile)
            tls.clientCertData = try b64(user.clientCertificateData, field: "client-certificate-data", owner: owner)
            tls.clientKeyData = try b64(user.clientKeyData, field: "client-key-data", owner: owner)
            if (tls.clientCertFile != nil || tls.clientCertData != nil) != (tls.clientKeyFile != nil || tls.clientKeyData != nil) {
                throw KubeError.config("\(owner) in \(source) sets a client certificate without its key, or a key without its certificate")
            }
            if let token = user.token, !token.isEmpty {
                auth = .token(token)
            } else if let file = abs(user.tokenFile, userFile) {
                auth = .tokenFile(file)
            } else if let exec = user.exec {
                auth = .exec(exec)
            }
        }
        return ClusterConfig(server: server, namespace: context.namespace ?? "default", context: contextName, source: source, tls: tls, auth: auth)
    }
}

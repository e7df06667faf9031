import Foundation
import Synchronization
import KubeModel

/// What a request presents: a bearer token and/or a client certificate from an exec plugin.
struct Credentials: Sendable, Equatable {
    var token: String?
    var clientCertPEM: Data?
    var clientKeyPEM: Data?
}

/// Supplies credentials, refreshing them as they rotate or expire.
///
/// Guarantees: a token file is re-read when the copy in memory is older than
/// `tokenFileRefresh` (projected service-account tokens rotate hourly); an exec plugin runs
/// again only when its credential's `expirationTimestamp` has passed or after `invalidate()`
/// (called on a 401); concurrent callers share one plugin run.
final class CredentialProvider: Sendable {
    /// client-go re-reads the in-cluster token at least this often.
    static let tokenFileRefresh: TimeInterval = 60
    /// A credential this close to expiry is treated as expired, so it is not used mid-flight.
    static let expirySkew: TimeInterval = 10

    struct Cached {
        var credentials: Credentials
        var validUntil: Date?
        var readAt: Date
    }

    let auth: AuthSettings
    let now: @Sendable () -> Date
    let cache = Mutex<Cached?>(nil)
    let execLock = NSLock()

    init(auth: AuthSettings, now: @escaping @Sendable () -> Date = { Date() }) {
        self.auth = auth
        self.now = now
    }

    func invalidate() { cache.withLock { $0 = nil } }

    func current() throws -> Credentials {
        switch auth {
        case .none:
            return Credentials()
        case .token(let t):
            return Credentials(token: t)
        case .tokenFile(let path):
            let t = now()
            if let c = cache.withLock({ $0 }), t.timeIntervalSince(c.readAt) < Self.tokenFileRefresh { return c.credentials }
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw KubeError.config("token file \(path) cannot be read")
            }
            let creds = Credentials(token: text.trimmingCharacters(in: .whitespacesAndNewlines))
            cache.withLock { $0 = Cached(credentials: creds, validUntil: nil, readAt: t) }
            return creds
        case .exec(let exec):
            execLock.lock()
            defer { execLock.unlock() }
            let t = now()
            if let c = cache.withLock({ $0 }), c.validUntil.map({ $0.timeIntervalSince(t) > Self.expirySkew }) ?? true {
                return c.credentials
            }
            let (creds, expiry) = try ExecPlugin.run(exec)
            cache.withLock { $0 = Cached(credentials: creds, validUntil: expiry, readAt: t) }
            return creds
        }
    }
}

/// Runs a `client.authentication.k8s.io` exec credential plugin.
enum ExecPlugin {
    static let supportedVersions = ["client.authentication.k8s.io/v1", "client.authentication.k8s.io/v1beta1"]

    struct ExecCredential: Decodable {
        struct Status: Decodable {
            var token: String?
            var clientCertificateData: String?
            var clientKeyData: String?
            var expirationTimestamp: String?
        }
        var apiVersion: String?
        var kind: String?
        var status: Status?
    }

    static func run(_ config: ExecConfig) throws -> (Credentials, Date?) {
        let apiVersion = config.apiVersion ?? "client.authentication.k8s.io/v1"
        guard supportedVersions.contains(apiVersion) else {
            throw KubeError.config("exec plugin \(config.command): apiVersion \(apiVersion) is not supported (use one of \(supportedVersions.joined(separator: ", ")))")
        }
        let process = Process()
        let command = config.command
        if command.contains("/") {
            process.executableURL = URL(fileURLWithPath: command)
            process.arguments = config.args ?? []
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = [command] + (config.args ?? [])
        }
        var env = ProcessInfo.processInfo.environment
        for e in config.env ?? [] { env[e.name] = e.value }
        let info: JSONValue = ["apiVersion": .string(apiVersion), "kind": "ExecCredential", "spec": ["interactive": false]]
        env["KUBERNETES_EXEC_INFO"] = info.jsonString()
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw KubeError.config("exec plugin \(command) could not be started: \(error.localizedDescription)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            let stderr = String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw KubeError.config("exec plugin \(command) exited with status \(process.terminationStatus): \(stderr)")
        }
        let cred: ExecCredential
        do {
            cred = try JSONDecoder().decode(ExecCredential.self, from: data)
        } catch {
            throw KubeError.config("exec plugin \(command) printed no ExecCredential JSON: \(error)")
        }
        guard cred.kind == "ExecCredential", let status = cred.status else {
            throw KubeError.config("exec plugin \(command) printed an object without kind ExecCredential and status")
        }
        var creds = Credentials(token: status.token)
        if let c = status.clientCertificateData, let k = status.clientKeyData {
            creds.clientCertPEM = Data(c.utf8)
            creds.clientKeyPEM = Data(k.utf8)
        }
        guard creds.token != nil || creds.clientCertPEM != nil else {
            throw KubeError.config("exec plugin \(command) returned neither status.token nor clientCertificateData/clientKeyData")
        }
        let expiry = status.expirationTimestamp.flatMap(KubeTime.parse)
        return (creds, expiry)
    }
}

import Foundation
import KubeStandin

/// Turns the command line's TLS and token flags into server options.
enum StandinFlags {
    /// The user a `--token TOKEN` without `=USER` authenticates as.
    static let defaultTokenUser = "admin"

    struct Tokens {
        /// In command-line order (the first one goes into `--write-kubeconfig`).
        var ordered: [(token: String, user: String)]
        var map: [String: String] { Dictionary(ordered.map { ($0.token, $0.user) }, uniquingKeysWith: { _, last in last }) }
        var first: (token: String, user: String)? { ordered.first }
    }

    /// `TOKEN` or `TOKEN=USER`, split at the first `=`.
    static func parseTokens(_ flags: [String]) -> Tokens {
        Tokens(ordered: flags.map { flag in
            guard let eq = flag.firstIndex(of: "=") else { return (flag, defaultTokenUser) }
            let user = String(flag[flag.index(after: eq)...])
            return (String(flag[..<eq]), user.isEmpty ? defaultTokenUser : user)
        })
    }

    /// TLS from files, from a fresh self-signed PKI, or none.
    static func tlsOptions(selfSigned: Bool, certFile: String?, keyFile: String?, clientCAFile: String?) throws -> StandinServer.TLSOptions? {
        if selfSigned {
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kube-standin-pki-\(ProcessInfo.processInfo.processIdentifier)").path
            let pki = try StandinPKI.generate(into: dir)
            var tls = pki.serverTLS(clientCertificates: true)
            if let clientCAFile { tls.clientCAPath = clientCAFile }
            return tls
        }
        guard let certFile, let keyFile else { return nil }
        return StandinServer.TLSOptions(certificatePath: certFile, keyPath: keyFile, clientCAPath: clientCAFile)
    }
}

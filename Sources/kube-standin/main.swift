import ArgumentParser
import Dispatch
import Foundation
import KubeStandin

/// `kube-standin`: the stand-in kube-apiserver as a process, for benchmarks and manual runs.
/// Prints exactly one line, `kube-standin listening on <URL>`, once it listens, then serves
/// until SIGINT or SIGTERM (graceful stop, exit 0). Faults are switched through the
/// `/_standin/` control path (see `ControlPath` in KubeStandin).
struct KubeStandinCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kube-standin",
        abstract: "A stand-in Kubernetes API server for tests and benchmarks.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 0

    @Flag(help: "Serve TLS with a CA, server and client certificates generated into a temporary directory.")
    var tlsSelfSigned = false

    @Flag(help: "Offer HTTP/2 over ALPN (with TLS).")
    var http2 = false

    @Option(help: "Server certificate (PEM).")
    var tlsCertFile: String?

    @Option(help: "Server private key (PEM).")
    var tlsKeyFile: String?

    @Option(help: "CA (PEM) whose client certificates authenticate as their CN.")
    var clientCAFile: String?

    @Option(name: .customLong("token"), help: "A bearer token TOKEN[=USER] (repeatable; USER defaults to 'admin').")
    var tokens: [String] = []

    @Option(help: "Turn the Deployment readiness simulator on: status follows each spec change after N ms.")
    var simulateReadinessMs: Int?

    @Option(help: "Write a kubeconfig for this server to PATH (token auth when a token is given).")
    var writeKubeconfig: String?

    @Option(help: "Watch events kept for resuming watches and continuing lists.")
    var historySize = 10_000

    func validate() throws {
        if tlsSelfSigned && (tlsCertFile != nil || tlsKeyFile != nil) {
            throw ValidationError("--tls-self-signed and --tls-cert-file/--tls-key-file are exclusive")
        }
        if (tlsCertFile == nil) != (tlsKeyFile == nil) {
            throw ValidationError("--tls-cert-file and --tls-key-file go together")
        }
        if clientCAFile != nil && tlsCertFile == nil && !tlsSelfSigned {
            throw ValidationError("--client-ca-file needs TLS (--tls-cert-file/--tls-key-file or --tls-self-signed)")
        }
        if http2 && !tlsSelfSigned && tlsCertFile == nil { throw ValidationError("--http2 needs TLS (HTTP/2 is negotiated over ALPN)") }
        if port < 0 || port > 65535 { throw ValidationError("--port must be 0...65535") }
        for t in tokens where t.isEmpty || t.hasPrefix("=") { throw ValidationError("--token needs TOKEN or TOKEN=USER, got \"\(t)\"") }
    }

    func run() throws {
        let tokenUsers = StandinFlags.parseTokens(tokens)
        let tls = try StandinFlags.tlsOptions(selfSigned: tlsSelfSigned, certFile: tlsCertFile, keyFile: tlsKeyFile, clientCAFile: clientCAFile)
        let backend = makeBackend(historySize: historySize)
        if let ms = simulateReadinessMs { backend.setReadinessSimulation(delaySeconds: Double(ms) / 1000) }
        let server = StandinServer(backend: backend, options: .init(host: host, port: port, tls: tls, tokens: tokenUsers.map, http2: http2))
        let url = try server.start()
        if let path = writeKubeconfig {
            let token = tokenUsers.first
            let yaml = server.kubeconfig(user: token?.user ?? "kube-standin", token: token?.token)
            try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        }
        // Written straight to the descriptor: no stdio buffer to flush before benchmarks read it.
        FileHandle.standardOutput.write(Data("kube-standin listening on \(url.absoluteString)\n".utf8))
        SignalWaiter.waitForTermination()
        server.stop()
    }
}

KubeStandinCommand.main()

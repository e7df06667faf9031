import Foundation
import Testing
import KubeClient
@testable import KubeStandin

/// One PKI for the whole test run (generating certificates costs a few openssl runs).
let testPKI: Result<StandinPKI.Bundle, any Error> = Result {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("standin-pki-\(UUID().uuidString)").path
    var bundle = try StandinPKI.generate(into: dir, clients: ["bob"])
    bundle.clients["mallory"] = try StandinPKI.makeClientCertificate(commonName: "mallory", signedBy: bundle.otherCA, in: dir)
    return bundle
}

/// A started server around `backend`, stopped by `body`'s end.
func withServer<T>(_ backend: FakeBackend, _ options: StandinServer.Options = .init(),
                   _ body: (StandinServer, URL) throws -> T) throws -> T {
    let server = StandinServer(backend: backend, options: options)
    let url = try server.start()
    defer { server.stop() }
    return try body(server, url)
}

/// A client that does not sleep between retries (so retry tests do not wait).
func plainClient(_ url: URL, auth: AuthSettings = .none) -> KubeClient {
    KubeClient(config: ClusterConfig(server: url.absoluteString, namespace: "ns", context: "standin-test", source: "test", auth: auth),
               options: .init(sleep: { _ in }))
}

/// A client loaded from a kubeconfig text, as users load one.
func kubeconfigClient(_ yaml: String) throws -> KubeClient {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("kubeconfig-\(UUID().uuidString)").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return KubeClient(config: try ClusterConfig.load(kubeconfigPath: path), options: .init(sleep: { _ in }))
}

/// Polls `condition` until it holds or `timeout` passes (a generous deadline, not a timing claim).
func waitFor(timeout: TimeInterval = 10, _ condition: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        Thread.sleep(forTimeInterval: 0.01)
    }
    return condition()
}

/// The body of a recorded transcript (after the blank line following the headers), without
/// the file's final newline.
func transcriptBody(_ file: String) throws -> Data {
    let text = try String(contentsOfFile: "/work/shared/k8s-api-transcripts/\(file)", encoding: .utf8)
    guard let range = text.range(of: "\n\n") else { return Data() }
    var body = String(text[range.upperBound...])
    if body.hasSuffix("\n") { body.removeLast() }
    return Data(body.utf8)
}

import Foundation
import Testing
import KubeClient
import KubeModel

/// The `kube-standin` executable, run as benchmarks run it: parse its one stdout line, use the
/// kubeconfig it wrote, switch a fault through the control path, stop it with SIGTERM.
@Suite struct ExecutableTests {
    /// `swift build --build-tests` puts the executable next to the test bundle.
    static var binary: String {
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundleDir.appendingPathComponent("kube-standin").path
    }

    @Test func servesWritesAKubeconfigAndStopsOnSIGTERM() throws {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build kube-standin first (swift build --build-tests)")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("kube-standin-exe-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let kubeconfig = "\(dir)/kubeconfig"

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["--tls-self-signed", "--token", "secret=alice", "--write-kubeconfig", kubeconfig, "--history-size", "100"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        // The first line, read byte by byte (the process keeps running).
        var line = Data()
        while let byte = try out.fileHandleForReading.read(upToCount: 1), let b = byte.first, b != 0x0A { line.append(b) }
        let text = String(decoding: line, as: UTF8.self)
        #expect(text.hasPrefix("kube-standin listening on https://127.0.0.1:"))

        let client = KubeClient(config: try ClusterConfig.load(kubeconfigPath: kubeconfig), options: .init(sleep: { _ in }))
        let namespaces = try client.list(Namespace.self, namespace: nil)
        #expect(namespaces.items.contains { $0.metadata.name == "default" })

        let fail = try client.send(HTTPRequest(method: "POST", path: "/_standin/faults/fail",
                                               body: Data(#"{"count":1,"verb":"get","status":500}"#.utf8)))
        #expect(fail.status == 200)
        #expect(try client.get(Namespace.self, namespace: nil, name: "default").metadata.name == "default", "the client retries the 500")
        let counts = try client.send(HTTPRequest(method: "GET", path: "/_standin/requests"))
        let decoded = try JSONDecoder().decode([String: Int].self, from: counts.body)
        #expect(decoded["get namespaces"] == 2, "one injected 500, then the retry")

        process.terminate()
        process.waitUntilExit()
        #expect(process.terminationReason == .exit)
        #expect(process.terminationStatus == 0)
        let rest = out.fileHandleForReading.readDataToEndOfFile()
        #expect(rest.isEmpty, "exactly one line on stdout")
    }
}

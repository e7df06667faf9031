import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The real `dynamo-operator run` binary as a child process, pointed at the e2e cluster.
///
/// Guarantees: its stdout and stderr go to a log file in the run's scratch directory (quoted in
/// failures); `stop()` sends SIGTERM and waits for the exit; `kill()` sends SIGKILL, leaving no
/// chance to clean up (the crash scenarios); a process still running when the value is
/// deinitialised is killed, so a failed scenario never leaks an operator.
final class OperatorProcess: @unchecked Sendable {
    /// Metrics and probe servers are off so parallel operators never fight over ports.
    static let quietServers = ["--metrics-bind-address", "0", "--health-probe-bind-address", "0"]
    /// What the operator logs once it holds the lease, and after each reconcile (at debug level
    /// when nothing changed, which is why scenarios run it with `--log-level debug`).
    static let leadingMarker = "leading: this process reconciles"
    static let reconciledMarker = "reconciled"

    let process = Process()
    let logPath: String
    let arguments: [String]

    /// `namespace`: watch only this namespace (each scenario has its own, so scenarios do not
    /// see each other's objects). With `leaderElect`, the Lease lives in `namespace` too.
    init(cluster: E2ECluster, namespace: String, name: String, leaderElect: Bool = false, extraArguments: [String] = []) throws {
        logPath = cluster.scratchFile("operator-\(name)-\(UUID().uuidString.prefix(6)).log")
        arguments = ["run", "--kubeconfig", cluster.kubeconfigPath, "--namespace", namespace,
                     "--leader-elect=\(leaderElect)", "--leader-election-namespace", namespace,
                     "--log-level", "debug"] + Self.quietServers + extraArguments
        process.executableURL = URL(fileURLWithPath: try Self.binary(settings: cluster.settings))
        process.arguments = arguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
    }

    deinit {
        if process.isRunning { kill() }
    }

    func start() throws -> OperatorProcess {
        try process.run()
        return self
    }

    var isRunning: Bool { process.isRunning }

    /// SIGTERM, then the exit status once the process has ended (graceful shutdown is bounded
    /// by the operator itself; this waits for it).
    @discardableResult
    func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: no drain, no lease release.
    func kill() {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// Waits for the process to end by itself (e.g. after losing its lease).
    func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// The last lines the operator logged, for failure messages.
    func logTail(_ lines: Int = 40) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The operator binary: `DYNAMO_E2E_OPERATOR`, else the one SwiftPM built beside this test
    /// bundle (`swift build` / `swift test` build every product into the same directory).
    static func binary(settings: E2ESettings) throws -> String {
        if let path = settings.operatorBinary { return path }
        let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        var candidates = [bundleDir.appendingPathComponent("dynamo-operator").path]
        // Under some runners argv[0] is a helper; fall back to the package's default build folder.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(root.appendingPathComponent(".build/debug/dynamo-operator").path)
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw TimedOut(description: "the dynamo-operator binary was not found (looked in \(candidates)); run `swift build` first or set DYNAMO_E2E_OPERATOR")
    }
}

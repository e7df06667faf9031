import Foundation
import ChildProcesses

/// The real `dynamo-operator run` binary as a child process, pointed at the e2e cluster: its
/// log goes to a file in the run's scratch directory (quoted in failures), and one still running
/// when a scenario ends is stopped (`LoggedProcess`'s guarantees).
enum OperatorProcess {
    /// Metrics and probe servers are off so parallel operators never fight over ports.
    static let quietServers = ["--metrics-bind-address", "0", "--health-probe-bind-address", "0"]
    /// What the operator logs once it holds the lease, and after each reconcile (at debug level
    /// when nothing changed, which is why scenarios run it with `--log-level debug`).
    static let leadingMarker = "leading: this process reconciles"
    static let reconciledMarker = "reconciled"

    /// Starts `dynamo-operator run`. `namespace`: watch only this namespace (each scenario has
    /// its own, so scenarios do not see each other's objects). With `leaderElect`, the Lease
    /// lives in `namespace` too.
    static func start(cluster: E2ECluster, namespace: String, name: String, leaderElect: Bool = false,
                      extraArguments: [String] = []) throws -> LoggedProcess {
        let arguments = ["run", "--kubeconfig", cluster.kubeconfigPath, "--namespace", namespace,
                         "--leader-elect=\(leaderElect)", "--leader-election-namespace", namespace,
                         "--log-level", "debug"] + quietServers + extraArguments
        return try LoggedProcess(name: "operator-\(name)", executable: try binary(settings: cluster.settings), arguments: arguments,
                                 logPath: cluster.scratchFile("operator-\(name)-\(UUID().uuidString.prefix(6)).log")).start()
    }

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

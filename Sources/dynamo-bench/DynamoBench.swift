import Foundation
import ArgumentParser

/// Options shared by the benchmark's parts.
struct BenchOptions {
    var sizes: [Int]
    var components: Int
    var workers: Int
    var trials: Int
    var readinessMs: Int
    var resyncPeriod: Double
    var timeout: Double
    var kubeconfig: String?
    var binDirectory: String
    var operatorBinary: String?
    var operatorLogLevel: String

    /// A sibling executable of this one (SwiftPM builds every product into one folder), or the
    /// operator binary given.
    func binary(_ name: String) throws -> String {
        var path = "\(binDirectory)/\(name)"
        if name == "dynamo-operator", let operatorBinary { path = operatorBinary }
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw BenchError("\(path) not found: build it first (swift build -c release --product \(name)) or pass --bin-dir")
        }
        return path
    }
}

struct BenchReport: Codable {
    var machine: String
    var date: String
    var cluster: [ClusterResult]
    var cpu: CPUResult?
}

@main
struct DynamoBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynamo-bench",
        abstract: "Measures the operator: convergence, API calls, idle writes, memory, reaction latency, CPU.",
        discussion: """
        Runs the real dynamo-operator binary as a separate process against the kube-standin executable \
        (or, with --kubeconfig, any cluster), and prints a table and JSON. Build both first, in release: \
        swift build -c release && swift run -c release dynamo-bench
        """)

    @Option(help: "Comma-separated numbers of DynamoDeployments.") var sizes = "100,500,1000"
    @Option(help: "Components per DynamoDeployment.") var components = 4
    @Option(help: "Operator reconcile workers.") var workers = 4
    @Option(help: "Reaction-latency trials (child deleted → recreated).") var trials = 100
    @Option(help: "Simulated rollout delay of each Deployment, in milliseconds.") var readinessMs = 20
    @Option(help: "The operator's --resync-period (seconds); the idle window covers one.") var resyncPeriod = 10.0
    @Option(help: "Give up on convergence after this many seconds.") var timeout = 600.0
    @Option(help: "Run against this cluster instead of a stand-in (no API-call counts then).") var kubeconfig: String?
    @Option(help: "Folder holding dynamo-operator and kube-standin (default: this binary's).") var binDir: String?
    @Option(help: "The dynamo-operator binary to measure (default: the one in --bin-dir), e.g. the statically linked build the image ships.")
    var operatorBinary: String?
    @Option(help: "The operator's --log-level (its log is kept in the run's folder).") var operatorLogLevel = "warning"
    @Option(help: "Also write the JSON report to this file.") var jsonOut: String?
    @Flag(help: "Only the pure-CPU figures.") var cpuOnly = false
    @Flag(help: "Skip the pure-CPU figures.") var skipCPU = false

    func run() throws {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent().path
        let options = BenchOptions(
            sizes: sizes.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) },
            components: components, workers: workers, trials: trials, readinessMs: readinessMs, resyncPeriod: resyncPeriod,
            timeout: timeout, kubeconfig: kubeconfig, binDirectory: binDir ?? here, operatorBinary: operatorBinary,
            operatorLogLevel: operatorLogLevel)
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("dynamo-bench-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: scratch, withIntermediateDirectories: true)
        log("logs in \(scratch)")

        var report = BenchReport(machine: Machine.describe(), date: ISO8601DateFormatter().string(from: Date()), cluster: [], cpu: nil)
        if !cpuOnly {
            for n in options.sizes {
                report.cluster.append(try ClusterBench(options: options, scratch: scratch).run(n: n))
            }
        }
        if !skipCPU { report.cpu = try CPUBench.run() }

        print(Report.table(report))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let json = try encoder.encode(report)
        print(String(decoding: json, as: UTF8.self))
        if let jsonOut { try json.write(to: URL(fileURLWithPath: jsonOut)) }
    }
}

enum Machine {
    /// "2 cores (model), 24 GiB, Linux <kernel>".
    static func describe() -> String {
        let info = ProcessInfo.processInfo
        let cpu = ProcFile.read("/proc/cpuinfo")?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?
            .split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        let gib = Double(info.physicalMemory) / 1_073_741_824
        return "\(info.activeProcessorCount) cores (\(cpu)), \(format(gib, 0)) GiB, \(info.operatingSystemVersionString)"
    }
}

enum Report {
    static func table(_ r: BenchReport) -> String {
        var out = "dynamo-bench on \(r.machine), \(r.date)\n\n"
        if !r.cluster.isEmpty {
            out += "| N | start-up s | converge s | lower bound s | ratio | write floors s (ratio) | CPU s: operator + server (lower bound: client + server) | CPU ratio | API calls / graph | reconciles / graph | settle s | idle writes | peak RSS MiB | steady RSS MiB (anonymous) | react p50 ms | react p99 ms |\n"
            out += "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n"
            for c in r.cluster {
                let calls = c.callsPerGraph.map { $0.sorted { $0.key < $1.key }.map { "\($0.key) \(format($0.value, 1))" }.joined(separator: ", ") } ?? "n/a"
                func f(_ x: Double?) -> String { x.map { format($0, 1) } ?? "n/a" }
                let cpu = "\(f(c.operatorCPUSeconds)) + \(f(c.serverCPUSeconds)) (\(f(c.lowerBoundClientCPUSeconds)) + \(f(c.lowerBoundServerCPUSeconds)))"
                let floors = c.writeFloors.map { "\($0.writes): \(format($0.seconds)) (\(format($0.ratioToLowerBound)))" }.joined(separator: "; ")
                out += "| \(c.n) | \(format(c.startupSeconds)) | \(format(c.convergenceSeconds)) | \(format(c.lowerBoundSeconds)) | \(format(c.ratio)) | \(floors) | \(cpu) | \(c.cpuRatio.map { format($0) } ?? "n/a") | \(calls) | \(c.reconcilesPerGraph.map { format($0, 1) } ?? "n/a") | \(format(c.settleSeconds)) | \(c.idleWrites.map(String.init) ?? "n/a") | \(format(c.peakRSSMiB, 1)) | \(format(c.steadyRSSMiB, 1)) (\(format(c.steadyAnonMiB, 1))) | \(format(c.reactionP50Ms, 1)) | \(format(c.reactionP99Ms, 1)) |\n"
            }
            let runtimes = Set(r.cluster.map(\.operatorSwiftRuntime)).sorted().joined(separator: ", ")
            out += "\nOperator binary: Swift runtime \(runtimes == "static" ? "linked statically (as the container image ships it)" : runtimes == "shared" ? "shared (a plain `swift build`; the image links it statically)" : runtimes).\n\n"
        }
        if let cpu = r.cpu {
            out += "| pure CPU | rate |\n|---|---|\n"
            for d in cpu.desiredAndDiff { out += "| desired state + diff, \(d.components) components | \(format(d.opsPerSecond, 0)) graphs/s |\n" }
            out += "| watch decoding, \(cpu.watchEventBytes)-byte events | \(format(cpu.watchEventsPerSecond, 0)) events/s |\n"
            for w in cpu.standinWriteMicroseconds { out += "| stand-in core CPU, \(w.write) | \(format(w.microseconds, 0)) µs |\n" }
        }
        return out
    }
}

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Tuning: how often a wait for a child's exit or log line looks again. Short beside the
/// seconds a child takes to start or stop, long enough to cost nothing.
private let pollInterval: TimeInterval = 0.02

/// A program run as a separate process, its standard output and error going to a log file:
/// the stand-in, the operator under test or benchmark, a CLI invocation.
///
/// Guarantees:
/// - output goes to the log file, never to a pipe that could fill up and stall the child;
///   standard input is `/dev/null`;
/// - `stop()` sends SIGTERM and returns only once the process has ended; `kill()` sends SIGKILL
///   (no chance to clean up) and likewise waits;
/// - a process still running when the value is deinitialised is killed and reaped, so a failed
///   test or benchmark never leaks one.
public final class LoggedProcess: @unchecked Sendable {
    public let name: String
    public let logPath: String
    private let process = Process()

    /// Prepares (does not start) `executable` with `arguments`; the log file is created empty.
    public init(name: String, executable: String, arguments: [String], logPath: String) throws {
        self.name = name
        self.logPath = logPath
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = log
        process.standardError = log
        process.standardInput = FileHandle.nullDevice
    }

    deinit {
        if process.isRunning { kill() }
    }

    /// Starts the process; returns `self` so a caller can prepare and start in one expression.
    @discardableResult
    public func start() throws -> LoggedProcess {
        try process.run()
        return self
    }

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }

    /// SIGTERM, then the exit status once the process has ended (a graceful shutdown is
    /// bounded by the program itself; this waits for it).
    @discardableResult
    public func stop() -> Int32 {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// SIGKILL: no drain, no clean-up; returns once the process is reaped.
    public func kill() {
        if process.isRunning { _ = Glibc.kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }

    /// The exit status once the process ends by itself, or nil if it still runs after `timeout`.
    public func waitForExit(timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: pollInterval) }
        return process.isRunning ? nil : process.terminationStatus
    }

    /// Everything logged so far.
    public func log() -> String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The last `lines` lines logged, for failure messages.
    public func logTail(_ lines: Int = 40) -> String {
        log().split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    /// Waits until the log has a line containing `marker` and returns that line; throws if the
    /// process exits first or `timeout` passes, quoting the log's end.
    public func waitForLine(containing marker: String, timeout: TimeInterval) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let line = log().split(separator: "\n").first(where: { $0.contains(marker) }) { return String(line) }
            if !process.isRunning {
                throw LoggedProcessError("\(name) exited (status \(process.terminationStatus)) before printing '\(marker)':\n\(logTail())")
            }
            Thread.sleep(forTimeInterval: pollInterval)
        }
        throw LoggedProcessError("\(name) did not print '\(marker)' within \(timeout)s:\n\(logTail())")
    }

    /// Runs `executable` to its end and returns its exit status and output; a process still
    /// running after `timeout` is stopped (SIGTERM) and its status is nil.
    public static func run(name: String, executable: String, arguments: [String], logPath: String,
                           timeout: TimeInterval) throws -> (status: Int32?, output: String) {
        let child = try LoggedProcess(name: name, executable: executable, arguments: arguments, logPath: logPath).start()
        let status = child.waitForExit(timeout: timeout)
        if status == nil { child.stop() }
        return (status, child.log())
    }
}

public struct LoggedProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

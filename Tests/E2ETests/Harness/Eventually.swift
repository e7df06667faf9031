import Foundation

/// A condition that did not come true in time; the message says what was awaited and what was
/// last seen, so a failure on a real cluster can be diagnosed from the log alone.
struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Polls `condition` until it returns a value or `timeout` passes. Errors thrown by `condition`
/// count as "not yet" (the API may be briefly unavailable during fault scenarios) and the last
/// one is reported on timeout.
func eventually<T>(_ what: String, timeout: TimeInterval = E2ETimeouts.converge, poll: TimeInterval = 0.05,
                   _ condition: () throws -> T?) throws -> T {
    let deadline = Date().addingTimeInterval(timeout)
    var lastError: Error?
    while true {
        do {
            if let value = try condition() { return value }
            lastError = nil
        } catch {
            lastError = error
        }
        if Date() >= deadline {
            throw TimedOut(description: "timed out after \(timeout)s waiting for \(what)" + (lastError.map { "; last error: \($0)" } ?? ""))
        }
        Thread.sleep(forTimeInterval: poll)
    }
}

/// Deadlines, generous because a real cluster pulls images and schedules pods; they bound a
/// failing run, they do not measure anything.
enum E2ETimeouts {
    static var converge: TimeInterval { E2ESettings.current.onRealCluster && !E2ESettings.current.simulateReadiness ? 300 : 60 }
    /// How long "nothing happens" is watched for before it is believed.
    static var quiet: TimeInterval { E2ESettings.current.onRealCluster ? 5 : 1.5 }
}

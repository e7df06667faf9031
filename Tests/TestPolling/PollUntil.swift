import Foundation

/// Tuning: how often a poll looks again. Far below any deadline the tests give, and long
/// enough that a test waiting on background threads leaves them the cores.
public let pollInterval: TimeInterval = 0.005

/// Polls `condition` until it holds or `timeout` seconds pass, and answers whether it held;
/// the condition is always asked once more at the deadline. The deadline is generous, a bound
/// on a failing run, never a timing claim.
public func pollUntil(_ timeout: TimeInterval = 10, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        Thread.sleep(forTimeInterval: pollInterval)
    }
    return try condition()
}

/// `pollUntil` for async tests: sleeps by suspending, so the test's executor stays free.
public func pollUntil(_ timeout: TimeInterval = 10, _ condition: () -> Bool) async -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if condition() { return true }
        try? await Task.sleep(nanoseconds: UInt64(pollInterval * 1e9))
    }
    return condition()
}

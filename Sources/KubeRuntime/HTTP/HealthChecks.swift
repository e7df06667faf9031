import Synchronization

/// One named probe check: success, or an error whose description is the reason.
public typealias HealthCheck = @Sendable () -> Result<Void, any Error>

/// A failed check's reason, for checks written as a Bool and a message.
public struct HealthCheckFailure: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The named checks behind `/healthz` or `/readyz`, answered like controller-runtime's `healthz.Handler`.
///
/// Guarantees:
/// - thread-safe; checks may be added while the server runs (e.g. `informers-synced` once the
///   informers exist); a name added twice keeps the later check;
/// - the aggregate passes only when every check passes; with no checks it passes as `ping`;
/// - results are listed sorted by name; a failure's reason is shown only when asked (`?verbose`),
///   never by default, as controller-runtime withholds it from unauthenticated probes.
public final class HealthChecks: Sendable {
    /// controller-runtime's `healthz.Ping`: always healthy (the process answers HTTP).
    public static let ping: HealthCheck = { .success(()) }

    /// One check's outcome.
    public struct Status: Sendable, Equatable {
        public let name: String
        /// nil when healthy (or excluded); the failure's description otherwise.
        public let failure: String?
        public let excluded: Bool
    }

    /// What an endpoint answers: HTTP status and plain-text body.
    public struct Answer: Sendable, Equatable {
        public let status: Int
        public let body: String
    }

    let checks = Mutex<[String: HealthCheck]>([:])

    public init() {}

    public func add(_ name: String, _ check: @escaping HealthCheck) {
        checks.withLock { $0[name] = check }
    }

    /// Adds a check written as "healthy?" plus the reason to give when not.
    public func add(_ name: String, failureReason: String, _ healthy: @escaping @Sendable () -> Bool) {
        add(name) { healthy() ? .success(()) : .failure(HealthCheckFailure(failureReason)) }
    }

    public var names: [String] { checks.withLock { $0.keys.sorted() } }

    /// Runs every check not in `excluding`, in name order.
    public func run(excluding: Set<String> = []) -> [Status] {
        let current = checks.withLock { $0 }
        if current.isEmpty { return [Status(name: "ping", failure: nil, excluded: false)] }
        return current.keys.sorted().map { name in
            if excluding.contains(name) { return Status(name: name, failure: nil, excluded: true) }
            switch current[name]!() {
            case .success: return Status(name: name, failure: nil, excluded: false)
            case .failure(let error): return Status(name: name, failure: "\(error)", excluded: false)
            }
        }
    }

    /// The aggregate endpoint (`/healthz`, `/readyz`): `ok` (200); with `verbose`, one `[+]name ok`
    /// line per check then `healthz check passed`; on failure 500, `[-]name failed: reason withheld`
    /// (the reason itself when `verbose`) and `healthz check failed`. controller-runtime says
    /// `healthz` on `/readyz` too (one handler type serves both), and so do we.
    public func aggregate(verbose: Bool, excluding: Set<String> = []) -> Answer {
        let statuses = run(excluding: excluding)
        let failed = statuses.contains { $0.failure != nil }
        if !failed && !verbose { return Answer(status: 200, body: "ok") }
        var body = ""
        for s in statuses {
            if s.excluded {
                body += "[+]\(s.name) excluded: ok\n"
            } else if let failure = s.failure {
                body += "[-]\(s.name) failed: \(verbose ? failure : "reason withheld")\n"
            } else {
                body += "[+]\(s.name) ok\n"
            }
        }
        // Go's http.Error, which controller-runtime fails with, ends the body with a newline.
        body += failed ? "healthz check failed\n" : "healthz check passed"
        return Answer(status: failed ? 500 : 200, body: body)
    }

    /// A single check's endpoint (`/readyz/<name>`): `ok` (200); 500 `internal server error: reason`
    /// when it fails; nil when no check has that name (the server answers 404).
    public func single(_ name: String) -> Answer? {
        guard let check = checks.withLock({ $0[name] }) else { return nil }
        switch check() {
        case .success: return Answer(status: 200, body: "ok")
        case .failure(let error): return Answer(status: 500, body: "internal server error: \(error)\n")
        }
    }
}

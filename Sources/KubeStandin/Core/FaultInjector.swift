import Foundation
import Synchronization

/// Faults tests switch on to see how clients cope. Shared by the core (which answers failures
/// and expiries) and the transport (which delays answers); connection-level faults (cut watch
/// streams, dropped connections) are actions on `APIServer` and `StandinServer`.
///
/// Guarantees: thread-safe; a `failNext` rule fires for exactly `count` matching requests, in
/// the order the requests arrive, then disappears.
public final class FaultInjector: Sendable {
    /// Which requests a rule applies to: every field that is set must match.
    public struct Match: Sendable, Equatable, Codable {
        /// Kubernetes verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`).
        public var verb: String?
        /// A substring of the path (`/deployments`, `dynamodeployments/x/status`).
        public var pathContains: String?

        public init(verb: String? = nil, pathContains: String? = nil) {
            self.verb = verb
            self.pathContains = pathContains
        }

        public func matches(_ request: StandinRequest) -> Bool {
            if let verb, verb != request.verb { return false }
            if let pathContains, !request.path.contains(pathContains) { return false }
            return true
        }
    }

    /// A failure to answer instead of serving the request.
    public struct Failure: Sendable, Equatable, Codable {
        /// 500, 503 or 429 in practice; any code is answered with a matching `Status` body.
        public var status: Int
        /// Seconds for a `Retry-After` header, when set.
        public var retryAfter: Int?

        public init(status: Int, retryAfter: Int? = nil) {
            self.status = status
            self.retryAfter = retryAfter
        }
    }

    struct FailRule {
        var match: Match
        var failure: Failure
        var remaining: Int
    }

    struct DelayRule {
        var match: Match
        var seconds: Double
    }

    struct State {
        var failRules: [FailRule] = []
        var delayRules: [DelayRule] = []
        var expireNextWatches = 0
    }

    let state = Mutex(State())

    public init() {}

    /// Answers the next `count` requests matching `match` with `failure` instead of serving them.
    public func failNext(_ count: Int, _ match: Match = Match(), with failure: Failure) {
        guard count > 0 else { return }
        state.withLock { $0.failRules.append(FailRule(match: match, failure: failure, remaining: count)) }
    }

    /// Delays every answer to requests matching `match` by `seconds`, until `clear()`.
    public func delay(_ seconds: Double, _ match: Match = Match()) {
        state.withLock { $0.delayRules.append(DelayRule(match: match, seconds: seconds)) }
    }

    /// The next `count` watch requests get the in-stream `ERROR` 410 `Expired` event, whatever
    /// resourceVersion they ask for.
    public func expireNextWatch(_ count: Int = 1) {
        state.withLock { $0.expireNextWatches += count }
    }

    /// Removes every rule.
    public func clear() {
        state.withLock { $0 = State() }
    }

    /// Consumes one firing of the first matching failure rule, if any. Called by the core for
    /// every request before serving it.
    public func takeFailure(for request: StandinRequest) -> Failure? {
        state.withLock { s in
            guard let i = s.failRules.firstIndex(where: { $0.match.matches(request) }) else { return nil }
            let failure = s.failRules[i].failure
            s.failRules[i].remaining -= 1
            if s.failRules[i].remaining == 0 { s.failRules.remove(at: i) }
            return failure
        }
    }

    /// The delay owed to this request (the longest matching rule), 0 when none. Called by the
    /// transport before it hands the request to the core.
    public func delay(for request: StandinRequest) -> Double {
        state.withLock { s in s.delayRules.filter { $0.match.matches(request) }.map(\.seconds).max() ?? 0 }
    }

    /// True once per pending `expireNextWatch`. Called by the core for each watch request.
    public func takeWatchExpiry() -> Bool {
        state.withLock { s in
            guard s.expireNextWatches > 0 else { return false }
            s.expireNextWatches -= 1
            return true
        }
    }
}

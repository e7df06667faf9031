import Foundation

// The seam between the stand-in's two halves:
// - the core (`APIServer`, under Core/): storage, API semantics, watches, faults that change
//   answers, the Deployment readiness simulator. Pure Swift + Foundation, no networking, so it
//   tests in-process and answers the same whatever carries its bytes.
// - the transport (`StandinServer`, under HTTP/): SwiftNIO HTTP/1.1 (+ optional TLS), authentication,
//   the faults that are about connections (delays, cut streams, dropped connections), the
//   `/_standin/` control path used by the `kube-standin` executable.
// The transport never interprets a Kubernetes path; the core never touches a socket.

/// One API request as the core sees it.
public struct StandinRequest: Sendable {
    /// `GET`, `POST`, `PUT`, `PATCH`, `DELETE`.
    public var method: String
    /// The URL path without the query, percent-decoded (`/apis/apps/v1/namespaces/x/deployments/web`).
    public var path: String
    /// Query parameters, percent-decoded; a repeated name keeps its last value.
    public var query: [String: String]
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data
    /// The authenticated user (token owner or client certificate CN); nil when auth is off.
    public var user: String?

    public init(method: String, path: String, query: [String: String] = [:], headers: [String: String] = [:], body: Data = Data(), user: String? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
        self.user = user
    }

    /// The Kubernetes verb the request stands for (`get`, `list`, `watch`, `create`, `update`,
    /// `patch`, `delete`), as fault rules and audit-like logs name it.
    public var verb: String {
        switch method {
        case "GET":
            if query["watch"] == "true" || query["watch"] == "1" { return "watch" }
            // A collection path has an even number of segments after the group/version prefix;
            // the core knows exactly, this is only a label.
            return StandinRequest.looksLikeCollection(path) ? "list" : "get"
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return "delete"
        default: return method.lowercased()
        }
    }

    static func looksLikeCollection(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        // /api/v1/<plural> | /api/v1/namespaces/<ns>/<plural> | /apis/<g>/<v>/<plural> | /apis/<g>/<v>/namespaces/<ns>/<plural>
        let prefix = parts.first == "api" ? 2 : 3
        let rest = parts.count - prefix
        if rest <= 0 { return false }
        if parts.count > prefix, parts[prefix] == "namespaces" { return rest == 1 || rest == 3 }
        return rest == 1
    }
}

/// What the core answers.
public enum StandinResponse: Sendable {
    /// A complete answer (JSON body, `content-type: application/json` unless headers say otherwise).
    case full(status: Int, headers: [(String, String)], body: Data)
    /// A 200 with a streaming body of newline-terminated JSON watch events.
    case watch(WatchStream)

    public var status: Int {
        switch self {
        case .full(let status, _, _): return status
        case .watch: return 200
        }
    }
}

/// How a watch stream ended, which the transport turns into bytes on the wire.
public enum WatchEnd: Sendable, Equatable {
    /// `timeoutSeconds` elapsed, or the server ends the stream normally: finish the chunked body.
    case finished
    /// The client went away (`cancel()` was called): nothing more to write.
    case cancelled
    /// A fault: write `partial` (the first bytes of an event, no newline) and close the
    /// connection abruptly, without the chunked terminator.
    case cutMidEvent(partial: Data)
}

/// One open watch. The core produces frames; the transport delivers them.
///
/// Guarantees: `onFrame` and `onEnd` are called serially (never concurrently), `onEnd` exactly
/// once and last; each frame is one complete event line ending in `\n`. After `cancel()`, at
/// most frames already being delivered arrive, then `onEnd(.cancelled)`.
public protocol WatchStream: AnyObject, Sendable {
    func start(onFrame: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable (WatchEnd) -> Void)
    func cancel()
}

/// What the transport needs of the core. `APIServer` is the implementation; transport tests may
/// use a small fake.
public protocol StandinBackend: AnyObject, Sendable {
    var faults: FaultInjector { get }
    /// Serves one API request (faults that change answers are applied inside).
    func handle(_ request: StandinRequest) -> StandinResponse
    /// Ends every open watch with `.cutMidEvent` (the "cut a watch stream mid-event" fault).
    func cutWatches()
    /// Ends every open watch with `.finished` (used when the server stops or drops connections).
    func endWatches()
    /// Turns the Deployment readiness simulator on (status set `delaySeconds` after each spec
    /// change) or off (nil).
    func setReadinessSimulation(delaySeconds: Double?)
    /// Requests served since the last reset, by `"<verb> <group-resource>"` (`"patch deployments.apps"`,
    /// `"list dynamodeployments.nvidia.com"`, `"update dynamodeployments.nvidia.com/status"`), for
    /// benchmarks and tests that count API calls.
    func requestCounts() -> [String: Int]
    func resetRequestCounts()
}

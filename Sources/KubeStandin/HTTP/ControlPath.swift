import Foundation

/// The `/_standin/` control path: lets a process that runs `kube-standin` switch faults and read
/// counters over HTTP. Unauthenticated, and answered only to loopback clients (others get 403).
///
/// Endpoints (JSON bodies; every field but the ones marked required is optional):
/// - `POST /_standin/faults/fail` `{"count":3,"verb":"list","pathContains":"/deployments","status":503,"retryAfter":1}`:
///   the next `count` (default 1) matching requests are answered with `status` (required).
/// - `POST /_standin/faults/delay` `{"seconds":0.5,"verb":"get","pathContains":"/pods"}`: delays
///   every matching answer by `seconds` (required) until cleared.
/// - `POST /_standin/faults/expire-next-watch` `{"count":1}`: the next watches get ERROR 410.
/// - `POST /_standin/faults/cut-watches`: every open watch is cut mid-event.
/// - `POST /_standin/faults/drop-connections`: after this answer, every connection is closed.
/// - `POST /_standin/faults/clear`: removes every fail and delay rule and pending expiry.
/// - `POST /_standin/readiness` `{"delaySeconds":0.05}` or `{"enabled":false}`: the Deployment
///   readiness simulator on (status follows `delaySeconds` after each spec change) or off.
/// - `GET /_standin/requests`: the backend's request counts, `{"<verb> <group-resource>": n}`.
/// - `POST /_standin/requests/reset`: zeroes them.
/// Answers: 200 `{"ok":true}` (or the counts), 400 with a message for a bad body, 404 for an
/// unknown endpoint, 405 for a wrong method.
enum ControlPath {
    static let prefix = "/_standin/"

    /// An answer, and what to do once it has been written (dropping connections must not cut
    /// its own answer).
    struct Result: Sendable {
        var response: StandinResponse
        var afterResponse: (@Sendable () -> Void)?
    }

    struct FailBody: Decodable {
        var count: Int?
        var verb: String?
        var pathContains: String?
        var status: Int
        var retryAfter: Int?
    }

    struct DelayBody: Decodable {
        var seconds: Double
        var verb: String?
        var pathContains: String?
    }

    struct CountBody: Decodable {
        var count: Int?
    }

    struct ReadinessBody: Decodable {
        var delaySeconds: Double?
        var enabled: Bool?
    }

    static func handle(_ request: StandinRequest, backend: any StandinBackend, dropConnections: @escaping @Sendable () -> Void) -> Result {
        let endpoint = String(request.path.dropFirst(prefix.count))
        let faults = backend.faults
        if request.method == "GET" {
            guard endpoint == "requests" else { return Result(response: error(404, "unknown control endpoint \(request.path)")) }
            let counts = backend.requestCounts()
            let data = (try? JSONSerialization.data(withJSONObject: counts, options: [.sortedKeys])) ?? Data("{}".utf8)
            return Result(response: json(200, data))
        }
        guard request.method == "POST" else { return Result(response: error(405, "\(request.method) \(request.path): use POST")) }
        do {
            switch endpoint {
            case "faults/fail":
                let b = try decode(FailBody.self, request)
                faults.failNext(b.count ?? 1, .init(verb: b.verb, pathContains: b.pathContains), with: .init(status: b.status, retryAfter: b.retryAfter))
            case "faults/delay":
                let b = try decode(DelayBody.self, request)
                faults.delay(b.seconds, .init(verb: b.verb, pathContains: b.pathContains))
            case "faults/expire-next-watch":
                let b = request.body.isEmpty ? CountBody() : try decode(CountBody.self, request)
                faults.expireNextWatch(b.count ?? 1)
            case "faults/cut-watches":
                backend.cutWatches()
            case "faults/drop-connections":
                return Result(response: ok, afterResponse: dropConnections)
            case "faults/clear":
                faults.clear()
            case "readiness":
                let b = try decode(ReadinessBody.self, request)
                if b.enabled == false {
                    backend.setReadinessSimulation(delaySeconds: nil)
                } else {
                    backend.setReadinessSimulation(delaySeconds: b.delaySeconds ?? 0)
                }
            case "requests/reset":
                backend.resetRequestCounts()
            default:
                return Result(response: error(404, "unknown control endpoint \(request.path)"))
            }
        } catch {
            return Result(response: self.error(400, "\(request.path): \(error)"))
        }
        return Result(response: ok)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ request: StandinRequest) throws -> T {
        try JSONDecoder().decode(T.self, from: request.body.isEmpty ? Data("{}".utf8) : request.body)
    }

    static var ok: StandinResponse { json(200, Data(#"{"ok":true}"#.utf8)) }

    static func json(_ status: Int, _ body: Data) -> StandinResponse {
        .full(status: status, headers: [("Content-Type", "application/json")], body: body)
    }

    static func error(_ status: Int, _ message: String) -> StandinResponse {
        json(status, Data("{\"ok\":false,\"message\":\(JSONText.quote(message))}".utf8))
    }
}

import Foundation
import KubeClient
import KubeModel

/// The stand-in's `/_standin/` control path, over the project's client.
struct StandinControl {
    let client: KubeClient

    /// Requests served since the last reset, by "<verb> <group-resource>[/<subresource>]".
    func requestCounts() throws -> [String: Int] {
        let response = try client.send(HTTPRequest(method: "GET", path: "/_standin/requests"))
        guard response.status == 200 else { throw BenchError("GET /_standin/requests answered \(response.status)") }
        let json = try JSONValue(data: response.body)
        var out: [String: Int] = [:]
        for (key, value) in json.objectValue ?? [:] { out[key] = Int(value.intValue ?? 0) }
        return out
    }

    func resetRequestCounts() throws {
        try post("/_standin/requests/reset", [:])
    }

    func setReadiness(delaySeconds: Double) throws {
        try post("/_standin/readiness", ["delaySeconds": .double(delaySeconds)])
    }

    private func post(_ path: String, _ body: JSONValue) throws {
        let response = try client.send(HTTPRequest(method: "POST", path: path, headers: [("Content-Type", "application/json")], body: try body.data()))
        guard (200..<300).contains(response.status) else { throw BenchError("POST \(path) answered \(response.status)") }
    }
}

/// Counts by verb, from "<verb> <resource>" keys.
func countsByVerb(_ counts: [String: Int]) -> [String: Int] {
    var out: [String: Int] = [:]
    for (key, n) in counts {
        let verb = String(key.split(separator: " ").first ?? "")
        out[verb, default: 0] += n
    }
    return out
}

/// Requests that change state.
let writeVerbs: Set<String> = ["create", "update", "patch", "delete", "deletecollection"]

func difference(_ after: [String: Int], _ before: [String: Int]) -> [String: Int] {
    var out: [String: Int] = [:]
    for (k, v) in after where v - (before[k] ?? 0) != 0 { out[k] = v - (before[k] ?? 0) }
    return out
}

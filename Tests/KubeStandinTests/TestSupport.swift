import Foundation
import KubeModel
import Synchronization
import Testing
@testable import KubeStandin

/// One answer from `APIServer.handle`, decoded.
struct Reply {
    var status: Int
    var headers: [(String, String)]
    var body: Data
    var json: JSONValue? { JSONParser.parse(body) }
    var reason: String? { json?["reason"]?.stringValue }
    var message: String? { json?["message"]?.stringValue }
    func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name }?.1 }
}

extension APIServer {
    /// Sends one request; `body` JSON is encoded; watches are not expected here.
    func call(_ method: String, _ path: String, query: [String: String] = [:], body: JSONValue? = nil,
              contentType: String? = nil, userAgent: String = "standin-tests/1.0") -> Reply {
        var headers = ["user-agent": userAgent]
        if let body {
            headers["content-type"] = contentType ?? "application/json"
            _ = body
        } else if let contentType {
            headers["content-type"] = contentType
        }
        let data = body.map { JSONWire.encode($0) } ?? Data()
        let response = handle(StandinRequest(method: method, path: path, query: query, headers: headers, body: data))
        switch response {
        case .full(let status, let headers, let body): return Reply(status: status, headers: headers, body: body)
        case .watch(let stream):
            stream.cancel()
            Issue.record("unexpected watch answer for \(method) \(path)")
            return Reply(status: 200, headers: [], body: Data())
        }
    }

    func watch(_ path: String, query: [String: String]) -> WatchCollector {
        var q = query
        q["watch"] = "true"
        let response = handle(StandinRequest(method: "GET", path: path, query: q, headers: ["user-agent": "standin-tests/1.0"]))
        return WatchCollector(response)
    }
}

/// Collects a watch stream's frames and its end.
final class WatchCollector: Sendable {
    struct State { var frames: [Data] = []; var events: [JSONValue] = []; var end: WatchEnd?; var endCount = 0 }
    let state = Mutex(State())
    let stream: (any WatchStream)?
    let immediate: Reply?

    init(_ response: StandinResponse) {
        switch response {
        case .watch(let s):
            stream = s
            immediate = nil
        case .full(let status, let headers, let body):
            stream = nil
            immediate = Reply(status: status, headers: headers, body: body)
        }
        stream?.start(onFrame: { [weak self] f in
                          let decoded = JSONParser.parse(f)
                          self?.state.withLock { s in
                              s.frames.append(f)
                              if let decoded { s.events.append(decoded) }
                          }
                      },
                      onEnd: { [weak self] e in self?.state.withLock { $0.end = e; $0.endCount += 1 } })
    }

    var frames: [Data] { state.withLock { $0.frames } }
    var events: [JSONValue] { state.withLock { $0.events } }
    var end: WatchEnd? { state.withLock { $0.end } }
    var endCount: Int { state.withLock { $0.endCount } }
    func types() -> [String] { events.compactMap { $0["type"]?.stringValue } }
    func nonBookmarks() -> [JSONValue] { events.filter { $0["type"]?.stringValue != "BOOKMARK" } }

    /// Waits (polling, generous deadline) until `condition` holds; false on timeout.
    func wait(timeout: Double = 10, until condition: @escaping ([JSONValue]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if condition(events) { return true }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return condition(events)
    }

    func waitForEnd(timeout: Double = 10) async -> WatchEnd? {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let e = end { return e }
            try? await Task.sleep(nanoseconds: 5_000_000)
        }
        return end
    }

    func cancel() { stream?.cancel() }
}

enum CoreFixtures {
    static func deployment(_ name: String, replicas: Int64? = 1, labels: [String: JSONValue] = ["app": "web"], image: String = "nginx:1.27") -> JSONValue {
        var spec: JSONValue = [
            "selector": ["matchLabels": ["app": "web"]],
            "template": ["metadata": ["labels": ["app": "web"]],
                         "spec": ["containers": [["name": "main", "image": .string(image)]]]],
        ]
        if let replicas { spec["replicas"] = .int(replicas) }
        return ["apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": ["name": .string(name), "labels": .object(labels)], "spec": spec]
    }

    static func configMap(_ name: String, labels: [String: JSONValue] = [:], data: [String: JSONValue] = ["k": "v"]) -> JSONValue {
        ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": .string(name), "labels": .object(labels)], "data": .object(data)]
    }

    static func namespace(_ name: String) -> JSONValue {
        ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(name)]]
    }

    static let deployments = "/apis/apps/v1/namespaces/default/deployments"
    static let configMaps = "/api/v1/namespaces/default/configmaps"
}

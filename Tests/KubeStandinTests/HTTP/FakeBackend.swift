import Foundation
import Synchronization
@testable import KubeStandin

/// A scripted `StandinBackend` for transport tests: records requests, answers through a
/// closure, applies `failNext` rules like the core, and hands out `FakeWatch` streams.
final class FakeBackend: StandinBackend {
    let faults = FaultInjector()
    let answer: @Sendable (StandinRequest, FakeBackend) -> StandinResponse
    let log = Mutex<[StandinRequest]>([])
    let openWatches = Mutex<[FakeWatch]>([])
    let readiness = Mutex<Double?>(nil)

    init(answer: @escaping @Sendable (StandinRequest, FakeBackend) -> StandinResponse = { r, _ in FakeBackend.echo(r) }) {
        self.answer = answer
    }

    var requests: [StandinRequest] { log.withLock { $0 } }

    func handle(_ request: StandinRequest) -> StandinResponse {
        log.withLock { $0.append(request) }
        if let failure = faults.takeFailure(for: request) {
            var headers: [(String, String)] = []
            if let s = failure.retryAfter { headers.append(("Retry-After", String(s))) }
            let body = #"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"injected","code":\#(failure.status)}"#
            return .full(status: failure.status, headers: headers, body: Data(body.utf8))
        }
        return answer(request, self)
    }

    /// Opens a watch this backend tracks (so `cutWatches`/`endWatches` reach it).
    func newWatch() -> FakeWatch {
        let w = FakeWatch()
        openWatches.withLock { $0.append(w) }
        return w
    }

    var watches: [FakeWatch] { openWatches.withLock { $0 } }

    func cutWatches() {
        for w in watches { w.end(.cutMidEvent(partial: Data(#"{"type":"MODIFIED","object":{"kind":"Con"#.utf8))) }
    }

    func endWatches() {
        for w in watches { w.end(.finished) }
    }

    func setReadinessSimulation(delaySeconds: Double?) { readiness.withLock { $0 = delaySeconds } }

    func requestCounts() -> [String: Int] {
        var counts: [String: Int] = [:]
        for r in requests { counts["\(r.verb) \(r.path)", default: 0] += 1 }
        return counts
    }

    func resetRequestCounts() { log.withLock { $0.removeAll() } }

    /// Answers 200 with a JSON object describing the request (and its body, when JSON).
    static func echo(_ r: StandinRequest) -> StandinResponse {
        var object: [String: Any] = ["method": r.method, "path": r.path, "query": r.query, "user": r.user ?? "", "bodyBytes": r.body.count]
        if let body = try? JSONSerialization.jsonObject(with: r.body) { object["body"] = body }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
        return .full(status: 200, headers: [], body: data)
    }
}

/// A watch stream driven by the test: `send` frames, `end` it; delivery is serial (one queue).
final class FakeWatch: WatchStream {
    struct State {
        var onFrame: (@Sendable (Data) -> Void)?
        var onEnd: (@Sendable (WatchEnd) -> Void)?
        var ended: WatchEnd?
        var started = false
    }
    let state = Mutex(State())
    let queue = DispatchQueue(label: "fake-watch")

    func start(onFrame: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable (WatchEnd) -> Void) {
        state.withLock {
            $0.onFrame = onFrame
            $0.onEnd = onEnd
            $0.started = true
        }
    }

    var started: Bool { state.withLock { $0.started } }
    var ended: WatchEnd? { state.withLock { $0.ended } }

    func send(_ frame: Data) {
        guard let deliver = state.withLock({ $0.ended == nil ? $0.onFrame : nil }) else { return }
        queue.async { deliver(frame) }
    }

    func send(event type: String, object: String) {
        send(Data(#"{"type":"\#(type)","object":\#(object)}"#.utf8 + [0x0A]))
    }

    func end(_ how: WatchEnd) {
        let deliver = state.withLock { s -> (@Sendable (WatchEnd) -> Void)? in
            guard s.ended == nil else { return nil }
            s.ended = how
            return s.onEnd
        }
        guard let deliver else { return }
        queue.async { deliver(how) }
    }

    func cancel() { end(.cancelled) }
}

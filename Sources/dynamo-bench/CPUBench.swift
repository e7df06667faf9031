import Foundation
#if canImport(Glibc)
import Glibc
#endif
import KubeClient
import KubeModel
import DynamoAPI
import DynamoController

/// Pure-CPU figures, in process: what one reconcile of a converged graph computes, how fast
/// watch bodies decode, and what each kind of write costs the stand-in.
struct CPUResult: Codable {
    struct DesiredRate: Codable {
        var components: Int
        var opsPerSecond: Double
    }
    var desiredAndDiff: [DesiredRate]
    var watchEventBytes: Int
    var watchEventsPerSecond: Double
    /// The stand-in core's CPU per write kind, in microseconds.
    var standinWriteMicroseconds: [StandinWriteCosts.Cost]
}

enum CPUBench {
    /// Each measurement runs at least this long, so timer resolution and warm-up do not matter.
    static let minimumSeconds = 1.0

    static func run() throws -> CPUResult {
        var rates: [CPUResult.DesiredRate] = []
        for size in [4, 16, 64] {
            let dd = try BenchGraph.typed(name: "cpu", namespace: "bench", components: size)
            // The converged case: live objects equal to the desired ones, so every child is compared in full.
            let live = try DesiredState.children(of: dd).map { SpecHash.stamped($0.object) }
            let rate = try measure {
                let desired = try DesiredState.children(of: dd)
                for (child, current) in zip(desired, live) {
                    guard OwnedFields.satisfies(live: current, desired: SpecHash.stamped(child.object)) else {
                        throw BenchError("a converged child reported drift")
                    }
                }
            }
            rates.append(.init(components: size, opsPerSecond: rate))
            log("desired state + diff, \(size) components: \(format(rate, 0)) graphs/s")
        }
        let (bytes, eventsPerSecond) = try watchDecoding()
        log("watch decoding, \(bytes)-byte events: \(format(eventsPerSecond, 0)) events/s")
        let writeCosts = try StandinWriteCosts.run()
        return CPUResult(desiredAndDiff: rates, watchEventBytes: bytes, watchEventsPerSecond: eventsPerSecond,
                         standinWriteMicroseconds: writeCosts)
    }

    /// Operations per CPU second of `body`, timed by this thread's CPU clock: on a shared
    /// machine, time the thread spent waiting for a core does not count against it.
    static func measure(_ body: () throws -> Void) rethrows -> Double {
        try body()  // warm-up
        var count = 0
        let start = threadCPUSeconds()
        var elapsed = 0.0
        while elapsed < minimumSeconds {
            for _ in 0..<16 { try body() }
            count += 16
            elapsed = threadCPUSeconds() - start
        }
        return Double(count) / elapsed
    }

    static func threadCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// A watch body of ~10 KB Deployment events, fed to the client's framer and decoder in
    /// 16 KiB chunks (libcurl's usual write size).
    static func watchDecoding() throws -> (Int, Double) {
        let dd = try BenchGraph.typed(name: "watch", namespace: "bench", components: 4)
        var object = try DesiredState.children(of: dd).first { $0.summary.kind == .deployment }!.object
        // Pad the pod template with env vars until the event is about 10 KB, a typical LLM worker's size.
        var env = object[path: ["spec", "template", "spec", "containers"]]!.arrayValue![0]["env"]?.arrayValue ?? []
        var i = 0
        while (try JSONValue.object(["type": "MODIFIED", "object": object]).data().count) < 10_000 {
            env.append(["name": .string("PADDING_\(i)"), "value": .string(String(repeating: "x", count: 64))])
            var containers = object[path: ["spec", "template", "spec", "containers"]]!.arrayValue!
            containers[0]["env"] = .array(env)
            object[path: ["spec", "template", "spec", "containers"]] = .array(containers)
            i += 1
        }
        object[path: ["metadata", "resourceVersion"]] = "12345"
        var line = try JSONValue.object(["type": "MODIFIED", "object": object]).data()
        let eventBytes = line.count
        line.append(0x0A)
        let eventsPerBody = 200
        var body = Data()
        for _ in 0..<eventsPerBody { body.append(line) }
        let chunk = 16 * 1024
        let rate = try measure {
            var framer = WatchFramer()
            var decoded = 0
            var offset = 0
            while offset < body.count {
                let end = min(body.count, offset + chunk)
                for l in framer.append(body.subdata(in: offset..<end)) {
                    if case .modified = try KubeClient.decodeWatchLine(l, as: Deployment.self) { decoded += 1 }
                }
                offset = end
            }
            guard decoded == eventsPerBody else { throw BenchError("decoded \(decoded) of \(eventsPerBody) events") }
        }
        return (eventBytes, rate * Double(eventsPerBody))
    }
}

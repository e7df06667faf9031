import Foundation
import Synchronization
import Testing
import KubeModel
@testable import KubeClient

@Suite struct WatchTests {
    @Test func framerReassemblesEventsSplitAnywhere() throws {
        let big = String(repeating: "x", count: 2 * 1024 * 1024)
        let lines = [#"{"type":"ADDED","a":1}"#, #"{"type":"MODIFIED","big":"\#(big)"}"#, #"{"type":"DELETED"}"#]
        let stream = Data((lines.joined(separator: "\n") + "\n").utf8)
        for chunkSize in [7, 4096, 65536, stream.count] {
            var framer = WatchFramer()
            var out: [Data] = []
            var i = 0
            while i < stream.count {
                out += framer.append(stream.subdata(in: i..<min(stream.count, i + chunkSize)))
                i += chunkSize
            }
            #expect(out.map { String(decoding: $0, as: UTF8.self) } == lines)
            #expect(framer.pending == 0)
        }
        var partial = WatchFramer()
        #expect(partial.append(Data(#"{"type":"ADD"#.utf8)).isEmpty, "no newline yet is not an event")
        #expect(partial.pending > 0)
    }

    func event(_ type: String, name: String, rv: String, padding: Int = 0) -> String {
        let pad = padding > 0 ? #","annotations":{"pad":"\#(String(repeating: "p", count: padding))"}"# : ""
        return #"{"type":"\#(type)","object":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"\#(name)","namespace":"ns","resourceVersion":"\#(rv)"\#(pad)}}}"# + "\n"
    }

    @Test func watchDeliversTypedEventsFromManyChunksIncludingA2MiBObject() throws {
        let body = Data((event("ADDED", name: "a", rv: "10") + event("MODIFIED", name: "big", rv: "11", padding: 2 * 1024 * 1024)
            + #"{"type":"BOOKMARK","object":{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"resourceVersion":"12","annotations":{"k8s.io/initial-events-end":"true"}}}}"# + "\n"
            + event("DELETED", name: "a", rv: "13")).utf8)
        let chunks = stride(from: 0, to: body.count, by: 16384).map { body.subdata(in: $0..<min(body.count, $0 + 16384)) }
        let server = try ScriptedServer { _ in .stream(status: 200, chunks: chunks) }
        defer { server.stop() }
        var seen: [String] = []
        try client(server).watch(Deployment.self, namespace: "ns", options: WatchOptions(resourceVersion: "9", timeoutSeconds: 60, sendInitialEvents: true, resourceVersionMatch: "NotOlderThan"), cancel: CancellationToken()) { e in
            switch e {
            case .added(let d): seen.append("added \(d.metadata.name!)")
            case .modified(let d): seen.append("modified \(d.metadata.name!) \(d.metadata.annotations?["pad"]?.count ?? 0)")
            case .deleted(let d): seen.append("deleted \(d.metadata.name!)")
            case .bookmark(let rv, let end): seen.append("bookmark \(rv) \(end)")
            }
        }
        #expect(seen == ["added a", "modified big \(2 * 1024 * 1024)", "bookmark 12 true", "deleted a"])
        let q = server.requests[0].query
        #expect(q["watch"] == "true" && q["resourceVersion"] == "9" && q["allowWatchBookmarks"] == "true")
        #expect(q["timeoutSeconds"] == "60" && q["sendInitialEvents"] == "true" && q["resourceVersionMatch"] == "NotOlderThan")
    }

    @Test func inStreamExpiredErrorAndHTTP410BothMeanRelist() throws {
        let expired = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 5 (402)","reason":"Expired","code":410}}"# + "\n"
        let server = try ScriptedServer { req in
            req.query["resourceVersion"] == "5"
                ? .stream(status: 200, chunks: [Data(expired.utf8)])
                : .full(status: 410, body: Data(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"Gone","code":410}"#.utf8))
        }
        defer { server.stop() }
        for rv in ["5", "6"] {
            do {
                try client(server).watch(Deployment.self, namespace: "ns", options: WatchOptions(resourceVersion: rv), cancel: CancellationToken()) { _ in }
                Issue.record("expected expiry")
            } catch let e as KubeError {
                #expect(e.isExpired)
            }
        }
    }

    @Test func cancellationStopsASilentStream() throws {
        let server = try ScriptedServer { _ in .stream(status: 200, chunks: [Data(event("ADDED", name: "a", rv: "1").utf8)], hold: true) }
        defer { server.stop() }
        let token = CancellationToken()
        let done = DispatchSemaphore(value: 0)
        let events = Counter()
        let c = client(server)
        DispatchQueue.global().async {
            try? c.watch(Deployment.self, namespace: "ns", options: WatchOptions(), cancel: token) { _ in events.next() }
            done.signal()
        }
        let deadline = Date().addingTimeInterval(5)
        while events.current == 0 && Date() < deadline { usleep(1000) }
        token.cancel()
        #expect(done.wait(timeout: .now() + 5) == .success, "the watch returned after cancel")
    }
}

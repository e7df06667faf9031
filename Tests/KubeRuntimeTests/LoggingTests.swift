import Foundation
import Logging
import Testing
@testable import KubeRuntime

@Suite struct LoggingTests {
    /// 2026-11-23T01:02:03.456Z.
    static let fixed = Date(timeIntervalSince1970: 1_795_395_723.456)

    func logger(_ options: LogOptions, _ sink: MemoryLogSink, label: String = "dynamo.controller") -> Logger {
        Logger(label: label, factory: options.handlerFactory(sink: sink, now: { Self.fixed }))
    }

    func object(_ line: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }

    @Test func jsonLinesCarryTimestampLevelLoggerMessageAndFlattenedMetadata() throws {
        let sink = MemoryLogSink()
        var log = logger(LogOptions(level: .info, format: .json), sink)
        log[metadataKey: "controller"] = "dynamodeployment"
        log.info("reconciled \"graph\"\nsecond line", metadata: ["key": "ns/name", "reconcileID": "7f3c", "attempt": .stringConvertible(3),
                                                                 "ts": "spoofed", "nested": ["a": "b"]])
        log.error("failed", error: CocoaError(.fileNoSuchFile))
        #expect(sink.lines.count == 2)
        let first = try object(sink.lines[0])
        #expect(first["ts"] as? String == "2026-11-23T01:02:03.456Z")
        #expect(first["level"] as? String == "info")
        #expect(first["logger"] as? String == "dynamo.controller")
        #expect(first["msg"] as? String == "reconciled \"graph\"\nsecond line")
        #expect(first["key"] as? String == "ns/name")
        #expect(first["reconcileID"] as? String == "7f3c")
        #expect(first["controller"] as? String == "dynamodeployment")
        #expect(first["attempt"] as? Int == 3)
        #expect(first["meta.ts"] as? String == "spoofed", "a reserved name is moved aside, not overwritten")
        #expect((first["nested"] as? [String: Any])?["a"] as? String == "b")
        #expect(sink.lines[0].hasPrefix(#"{"ts":"2026-11-23T01:02:03.456Z","level":"info","logger":"dynamo.controller","msg":"#))
        let second = try object(sink.lines[1])
        #expect(second["level"] as? String == "error")
        #expect(second["error"] is String)
    }

    @Test func textLinesReadLikeTheDocumentedExample() throws {
        let sink = MemoryLogSink()
        let log = logger(LogOptions(level: .debug, format: .text), sink)
        log.info("synced", metadata: ["key": "ns/name", "reconcileID": "7f3c"])
        log.debug("two words", metadata: ["reason": "has space"])
        #expect(sink.lines == [
            "2026-11-23T01:02:03.456Z INFO  dynamo.controller: synced key=ns/name reconcileID=7f3c",
            #"2026-11-23T01:02:03.456Z DEBUG dynamo.controller: two words reason="has space""#,
        ])
    }

    @Test func levelsFilterBelowTheConfiguredOne() throws {
        let sink = MemoryLogSink()
        let log = logger(try LogOptions(level: "warning", format: "json"), sink)
        log.trace("t")
        log.debug("d")
        log.info("i")
        log.notice("n")
        log.warning("w")
        log.error("e")
        log.critical("c")
        #expect(try sink.lines.map { try object($0)["msg"] as? String } == ["w", "e", "c"])
    }

    @Test func optionsParseFlagValuesAndRejectOthers() throws {
        #expect(try LogOptions(level: "DEBUG", format: "json") == LogOptions(level: .debug, format: .json))
        #expect(try LogOptions.parseLevel("warn") == .warning)
        for level in ["trace", "debug", "info", "notice", "warning", "error", "critical"] {
            #expect(try LogOptions.parseLevel(level).rawValue == level)
        }
        #expect(throws: LogOptionsError.self) { try LogOptions.parseLevel("verbose") }
        #expect(throws: LogOptionsError.self) { try LogOptions.parseFormat("yaml") }
    }

    @Test func concurrentWritersNeverInterleaveLines() throws {
        let sink = MemoryLogSink()
        let log = logger(LogOptions(level: .info, format: .json), sink)
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            for j in 0..<50 { log.info("entry", metadata: ["writer": "\(i)", "n": "\(j)"]) }
        }
        #expect(sink.lines.count == 400)
        for line in sink.lines { _ = try object(line) }
    }

    @Test func timestampsAreRFC3339UTCWithMillis() {
        #expect(StructuredLogHandler.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
        #expect(StructuredLogHandler.timestamp(Self.fixed) == "2026-11-23T01:02:03.456Z")
        #expect(StructuredLogHandler.timestamp(Date(timeIntervalSince1970: 1_700_000_000.0009)) == "2023-11-14T22:13:20.000Z")
    }
}

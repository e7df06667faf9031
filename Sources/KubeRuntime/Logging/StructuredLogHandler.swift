import Foundation
import KubeModel
import Logging

/// A swift-log handler writing one line per entry, as text or as JSON (`--log-format`).
///
/// JSON: one object per line, `{"ts":"2026-11-23T01:02:03.456Z","level":"info","logger":"dynamo.controller","msg":"…",…}`
/// then the metadata flattened into fields (`key`, `reconcileID`, `controller`, …) and `error`
/// when the entry carries one. Text: `2026-11-23T01:02:03.456Z INFO  dynamo.controller: msg key=ns/name`.
///
/// Guarantees:
/// - every entry is exactly one line (newlines inside messages and values are escaped), written
///   whole through the sink, so concurrent loggers never interleave;
/// - `ts` is RFC 3339 in UTC with milliseconds, from the injected `now`;
/// - metadata keys are written sorted; entry metadata overrides provider metadata, which overrides
///   the handler's; a metadata key equal to a reserved field (`ts`, `level`, `logger`, `msg`,
///   `error`) is written as `meta.<key>` so the reserved fields stay trustworthy;
/// - value semantics: changing level or metadata on one `Logger` never affects another.
public struct StructuredLogHandler: LogHandler {
    public enum Format: String, Sendable, CaseIterable {
        case text, json
    }

    /// Fields every JSON line starts with; metadata may not take these names.
    public static let reservedFields: Set<String> = ["ts", "level", "logger", "msg", "error"]
    /// Width the text format pads level names to (`INFO ` lines up with `DEBUG`/`ERROR`).
    static let textLevelWidth = 5

    public let label: String
    public let format: Format
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?
    let sink: any LogSink
    let now: @Sendable () -> Date

    public init(label: String, format: Format, level: Logger.Level = .info, sink: any LogSink = StandardErrorSink.shared,
                metadataProvider: Logger.MetadataProvider? = nil, now: @escaping @Sendable () -> Date = { Date() }) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink
        self.metadataProvider = metadataProvider
        self.now = now
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var fields = metadata
        if let provided = metadataProvider?.get() { fields.merge(provided) { $1 } }
        if let own = event.metadata { fields.merge(own) { $1 } }
        let entry = LogLine(ts: Self.timestamp(now()), level: event.level, logger: label, message: event.message.description,
                            fields: fields, error: event.error.map { "\($0)" })
        sink.write(format == .json ? entry.json() : entry.text())
    }

    /// RFC 3339 in UTC with milliseconds: `2026-11-23T01:02:03.456Z`.
    public static func timestamp(_ date: Date) -> String {
        let millis = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        var seconds = time_t(millis >= 0 ? millis / 1000 : (millis - 999) / 1000)
        let ms = Int(millis - Int64(seconds) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))"
            + "T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(ms), 3))Z"
    }
}

/// One formatted entry.
struct LogLine {
    var ts: String
    var level: Logger.Level
    var logger: String
    var message: String
    var fields: Logger.Metadata
    var error: String?

    func json() -> String {
        var out = "{\"ts\":"
        JSONText.string(ts, into: &out)
        out += ",\"level\":"
        JSONText.string(level.rawValue, into: &out)
        out += ",\"logger\":"
        JSONText.string(logger, into: &out)
        out += ",\"msg\":"
        JSONText.string(message, into: &out)
        if let error {
            out += ",\"error\":"
            JSONText.string(error, into: &out)
        }
        for key in fields.keys.sorted() {
            out += ","
            JSONText.string(StructuredLogHandler.reservedFields.contains(key) ? "meta.\(key)" : key, into: &out)
            out += ":"
            JSONText.value(fields[key]!, into: &out)
        }
        return out + "}\n"
    }

    func text() -> String {
        var levelName = level.rawValue.uppercased()
        if levelName.count < StructuredLogHandler.textLevelWidth {
            levelName += String(repeating: " ", count: StructuredLogHandler.textLevelWidth - levelName.count)
        }
        var out = "\(ts) \(levelName) \(logger): \(Self.oneLine(message))"
        for key in fields.keys.sorted() {
            out += " \(key)=\(Self.quotedIfNeeded("\(fields[key]!)"))"
        }
        if let error { out += " error=\(Self.quotedIfNeeded(error))" }
        return out + "\n"
    }

    static func oneLine(_ s: String) -> String {
        guard s.contains(where: { $0.isNewline }) else { return s }
        return s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }

    /// logfmt's rule: a value with spaces, quotes, `=` or control characters (or an empty one) is
    /// written as a quoted, escaped string.
    static func quotedIfNeeded(_ s: String) -> String {
        let plain = !s.isEmpty && s.unicodeScalars.allSatisfy { $0.value > 0x20 && $0 != "\"" && $0 != "=" && $0.value != 0x7F }
        if plain { return s }
        var out = ""
        JSONText.string(s, into: &out)
        return out
    }
}

/// Minimal JSON writing for log lines (no Foundation encoder: keys stay in the order written).
enum JSONText {
    static func string(_ s: String, into out: inout String) { out += JSONWire.quoted(s) }

    static func value(_ value: Logger.Metadata.Value, into out: inout String) {
        switch value {
        case .string(let s):
            string(s, into: &out)
        case .stringConvertible(let c):
            if let b = c as? Bool {
                out += b ? "true" : "false"
            } else if c is any BinaryInteger {
                out += c.description
            } else if let d = c as? Double, d.isFinite {
                out += c.description
            } else {
                string(c.description, into: &out)
            }
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                self.value(item, into: &out)
            }
            out += "]"
        case .dictionary(let dict):
            out += "{"
            for (i, key) in dict.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                string(key, into: &out)
                out += ":"
                self.value(dict[key]!, into: &out)
            }
            out += "}"
        }
    }
}

import Foundation
import Logging

/// `--log-level` and `--log-format` for the operator executable.
///
/// Guarantees: levels parse from swift-log's names (`trace`, `debug`, `info`, `notice`, `warning`,
/// `error`, `critical`; case-insensitive, `warn` accepted for `warning`); formats from `text` and
/// `json`; anything else throws naming the accepted values. `handlerFactory` is a pure function of
/// the options (testable any number of times); only `bootstrap()` touches the process-wide
/// `LoggingSystem`, which swift-log allows once per process.
public struct LogOptions: Sendable, Equatable {
    public var level: Logger.Level
    public var format: StructuredLogHandler.Format

    public init(level: Logger.Level = .info, format: StructuredLogHandler.Format = .text) {
        self.level = level
        self.format = format
    }

    /// Parses the flag values.
    public init(level: String, format: String) throws {
        self.init(level: try Self.parseLevel(level), format: try Self.parseFormat(format))
    }

    public static func parseLevel(_ text: String) throws -> Logger.Level {
        let name = text.lowercased()
        if name == "warn" { return .warning }
        guard let level = Logger.Level(rawValue: name) else {
            throw LogOptionsError.unknownLevel(text, accepted: Logger.Level.allCases.map(\.rawValue))
        }
        return level
    }

    public static func parseFormat(_ text: String) throws -> StructuredLogHandler.Format {
        guard let format = StructuredLogHandler.Format(rawValue: text.lowercased()) else {
            throw LogOptionsError.unknownFormat(text, accepted: StructuredLogHandler.Format.allCases.map(\.rawValue))
        }
        return format
    }

    /// Makes handlers with these options: what `bootstrap()` installs, callable in tests.
    public func handlerFactory(sink: any LogSink = StandardErrorSink.shared,
                               now: @escaping @Sendable () -> Date = { Date() }) -> @Sendable (String) -> any LogHandler {
        let options = self
        return { label in StructuredLogHandler(label: label, format: options.format, level: options.level, sink: sink, now: now) }
    }

    /// Installs these options process-wide (`LoggingSystem.bootstrap`). Call once, first thing in
    /// `main`; swift-log traps on a second call.
    public func bootstrap() {
        LoggingSystem.bootstrap(handlerFactory())
    }
}

public enum LogOptionsError: Error, Equatable, CustomStringConvertible {
    case unknownLevel(String, accepted: [String])
    case unknownFormat(String, accepted: [String])

    public var description: String {
        switch self {
        case .unknownLevel(let t, let accepted): return "unknown log level \"\(t)\" (accepted: \(accepted.joined(separator: ", ")))"
        case .unknownFormat(let t, let accepted): return "unknown log format \"\(t)\" (accepted: \(accepted.joined(separator: ", ")))"
        }
    }
}

import Logging

/// Bootstraps swift-log once for `run`.
///
/// Text goes to standard error through swift-log's `StreamLogHandler`. The JSON handler belongs to
/// KubeRuntime's logging module; until it is available, `json` falls back to text and says so.
enum OperatorLogging {
    static func bootstrap(format: LogFormat, level: Logger.Level) {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        if format == .json {
            Logger(label: "dynamo.operator").warning("--log-format=json is not available in this build; logging text")
        }
    }
}

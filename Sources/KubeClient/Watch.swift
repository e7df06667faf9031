import Foundation
import KubeModel

extension KubeClient {
    /// Seconds added to the server-side watch timeout before a silent stream counts as dead
    /// (half-open connections never deliver an error).
    public static let watchIdleMargin = 30
    /// Idle limit when the caller sets no server timeout.
    public static let defaultWatchIdle = 330

    /// Streams watch events until the server ends the stream (returns), `cancel` fires (returns
    /// within about a second), or an error (throws; `KubeError.expired` means relist).
    public func watch<T: Decodable & Sendable>(_ r: ResourceDescriptor, as type: T.Type, namespace: String?, options: WatchOptions,
                                               cancel: CancellationToken, onEvent: (WatchEvent<T>) throws -> Void) throws {
        let request = HTTPRequest(method: "GET", path: r.collectionPath(namespace: namespace), query: options.query)
        let idle = options.timeoutSeconds.map { $0 + Self.watchIdleMargin } ?? Self.defaultWatchIdle
        var framer = WatchFramer()
        var failure: Error?
        try withoutActuallyEscaping(onEvent) { handler in
            let consume: (Data) -> Bool = { chunk in
                for line in framer.append(chunk) {
                    do {
                        try Self.dispatch(line: line, as: T.self, to: handler)
                    } catch {
                        failure = error
                        return false
                    }
                }
                return !cancel.isCancelled
            }
            limiter?.take(sleep: self.options.sleep)
            let response = try transport.stream(request, credentials: try credentials.current(), cancel: cancel, idleTimeout: idle, onChunk: consume)
            if let failure { throw failure }
            guard (200..<300).contains(response.status) || cancel.isCancelled else { throw Self.apiError(response) }
        }
    }

    /// Typed watch of a `KubeResource`.
    public func watch<T: KubeResource>(_ type: T.Type, namespace: String?, options: WatchOptions, cancel: CancellationToken,
                                       onEvent: (WatchEvent<T>) throws -> Void) throws {
        try watch(T.resource, as: T.self, namespace: namespace, options: options, cancel: cancel, onEvent: onEvent)
    }

    static func dispatch<T: Decodable>(line: Data, as type: T.Type, to handler: (WatchEvent<T>) throws -> Void) throws {
        try handler(decodeWatchLine(line, as: type))
    }

    /// Decodes one line of a watch body (framed by `WatchFramer`) into its event.
    /// Throws `KubeError.expired` for an ERROR event carrying 410/Expired, `KubeError.api` for
    /// other ERROR events, `KubeError.decoding` for malformed lines.
    public static func decodeWatchLine<T: Decodable>(_ line: Data, as: T.Type) throws -> WatchEvent<T> {
        // One parse of the line, then the object is read from the tree (no second pass over text).
        guard let envelope = JSONParser.parse(line), let typeName = envelope["type"]?.stringValue,
              let type = WatchEventType(rawValue: typeName), let object = envelope["object"]
        else {
            throw KubeError.decoding("watch event is not a JSON {type, object} line: \(String(decoding: line.prefix(200), as: UTF8.self))")
        }
        switch type {
        case .error:
            let status = (try? object.decode(as: APIStatus.self)) ?? APIStatus(message: object.jsonString())
            if status.code == 410 || status.reason == StatusReason.expired || status.reason == StatusReason.gone { throw KubeError.expired(status) }
            throw KubeError.api(code: status.code ?? 500, status: status)
        case .bookmark:
            let rv = object[path: ["metadata", "resourceVersion"]]?.stringValue ?? ""
            let end = object[path: ["metadata", "annotations", initialEventsEndAnnotation]]?.stringValue == "true"
            return .bookmark(resourceVersion: rv, initialEventsEnd: end)
        case .added, .modified, .deleted:
            let decoded: T
            do {
                decoded = try object.decode(as: T.self)
            } catch {
                throw KubeError.decoding("watch \(type.rawValue) object cannot be decoded as \(T.self): \(error)")
            }
            switch type {
            case .added: return .added(decoded)
            case .modified: return .modified(decoded)
            default: return .deleted(decoded)
            }
        }
    }
}

import Synchronization
import KubeModel

/// Query parameters of a list.
public struct ListOptions: Sendable, Equatable {
    public var labelSelector: String?
    public var fieldSelector: String?
    public var limit: Int?
    public var continueToken: String?
    public var resourceVersion: String?
    public var resourceVersionMatch: String?

    public init(labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
                resourceVersion: String? = nil, resourceVersionMatch: String? = nil) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
    }

    var query: [(String, String)] {
        var q: [(String, String)] = []
        if let v = labelSelector { q.append(("labelSelector", v)) }
        if let v = fieldSelector { q.append(("fieldSelector", v)) }
        if let v = limit { q.append(("limit", String(v))) }
        if let v = continueToken { q.append(("continue", v)) }
        if let v = resourceVersion { q.append(("resourceVersion", v)) }
        if let v = resourceVersionMatch { q.append(("resourceVersionMatch", v)) }
        return q
    }
}

/// Query parameters of a watch.
public struct WatchOptions: Sendable, Equatable {
    public var resourceVersion: String?
    public var allowWatchBookmarks: Bool
    public var timeoutSeconds: Int?
    public var labelSelector: String?
    public var fieldSelector: String?
    public var sendInitialEvents: Bool?
    public var resourceVersionMatch: String?

    public init(resourceVersion: String? = nil, allowWatchBookmarks: Bool = true, timeoutSeconds: Int? = nil, labelSelector: String? = nil,
                fieldSelector: String? = nil, sendInitialEvents: Bool? = nil, resourceVersionMatch: String? = nil) {
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.sendInitialEvents = sendInitialEvents
        self.resourceVersionMatch = resourceVersionMatch
    }

    var query: [(String, String)] {
        var q: [(String, String)] = [("watch", "true")]
        if let v = resourceVersion { q.append(("resourceVersion", v)) }
        if allowWatchBookmarks { q.append(("allowWatchBookmarks", "true")) }
        if let v = timeoutSeconds { q.append(("timeoutSeconds", String(v))) }
        if let v = labelSelector { q.append(("labelSelector", v)) }
        if let v = fieldSelector { q.append(("fieldSelector", v)) }
        if let v = sendInitialEvents { q.append(("sendInitialEvents", v ? "true" : "false")) }
        if let v = resourceVersionMatch { q.append(("resourceVersionMatch", v)) }
        return q
    }
}

/// A patch body and its content type.
public enum Patch: Sendable, Equatable {
    /// `application/merge-patch+json` (RFC 7386).
    case merge(JSONValue)
    /// `application/json-patch+json` (RFC 6902 operations).
    case json([JSONValue])
    /// `application/apply-patch+yaml`: server-side apply of a (JSON, hence YAML) object.
    case apply(JSONValue)
    /// `application/strategic-merge-patch+json`: built-in kinds only; lists merge by their
    /// patch-merge key (what `kubectl edit`, `set image` and `rollout restart` send).
    case strategicMerge(JSONValue)

    var contentType: String {
        switch self {
        case .merge: return "application/merge-patch+json"
        case .json: return "application/json-patch+json"
        case .apply: return "application/apply-patch+yaml"
        case .strategicMerge: return "application/strategic-merge-patch+json"
        }
    }

    var body: JSONValue {
        switch self {
        case .merge(let v), .apply(let v), .strategicMerge(let v): return v
        case .json(let ops): return .array(ops)
        }
    }
}

/// Options of create, replace and patch.
public struct WriteOptions: Sendable, Equatable {
    public var fieldManager: String?
    /// Server-side apply only: take ownership of conflicting fields.
    public var force: Bool
    public var dryRun: Bool

    public init(fieldManager: String? = nil, force: Bool = false, dryRun: Bool = false) {
        self.fieldManager = fieldManager
        self.force = force
        self.dryRun = dryRun
    }

    var query: [(String, String)] {
        var q: [(String, String)] = []
        if let m = fieldManager { q.append(("fieldManager", m)) }
        if force { q.append(("force", "true")) }
        if dryRun { q.append(("dryRun", "All")) }
        return q
    }
}

/// `metav1.DeleteOptions`, sent as the request body.
public struct DeleteOptions: Sendable, Equatable, Encodable {
    public struct Preconditions: Sendable, Equatable, Encodable {
        public var uid: String?
        public var resourceVersion: String?
        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }
    public var kind = "DeleteOptions"
    public var apiVersion = "v1"
    /// `Background`, `Foreground` or `Orphan`.
    public var propagationPolicy: String?
    public var preconditions: Preconditions?
    public var gracePeriodSeconds: Int?

    public init(propagationPolicy: String? = nil, preconditions: Preconditions? = nil, gracePeriodSeconds: Int? = nil) {
        self.propagationPolicy = propagationPolicy
        self.preconditions = preconditions
        self.gracePeriodSeconds = gracePeriodSeconds
    }
}

/// One event of a watch stream.
public enum WatchEvent<T: Sendable>: Sendable {
    case added(T)
    case modified(T)
    case deleted(T)
    /// Progress without a change; `initialEventsEnd` marks the end of `sendInitialEvents`.
    case bookmark(resourceVersion: String, initialEventsEnd: Bool)
}

/// Stops a running watch from another thread: the transfer ends within about a second.
public final class CancellationToken: Sendable {
    let flag = Mutex(false)
    public init() {}
    public func cancel() { flag.withLock { $0 = true } }
    public var isCancelled: Bool { flag.withLock { $0 } }
}

/// `metav1.Status`, the body of every API error (and of in-stream watch ERROR events).
public struct APIStatus: Codable, Sendable, Hashable, Error {
    public struct Cause: Codable, Sendable, Hashable {
        public var reason: String?
        public var message: String?
        public var field: String?
        public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }
    public struct Details: Codable, Sendable, Hashable {
        public var name: String?
        public var group: String?
        public var kind: String?
        public var uid: String?
        public var causes: [Cause]?
        public var retryAfterSeconds: Int?
        public init(name: String? = nil, group: String? = nil, kind: String? = nil, uid: String? = nil, causes: [Cause]? = nil, retryAfterSeconds: Int? = nil) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    public var kind: String = "Status"
    public var apiVersion: String = "v1"
    public var metadata: ListMeta = ListMeta()
    public var status: String?
    public var message: String?
    public var reason: String?
    public var details: Details?
    public var code: Int?

    public init(status: String? = "Failure", message: String? = nil, reason: String? = nil, details: Details? = nil, code: Int? = nil) {
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }
}

/// Well-known `Status.reason` values (`metav1.StatusReason`).
public enum StatusReason {
    public static let notFound = "NotFound"
    public static let alreadyExists = "AlreadyExists"
    public static let conflict = "Conflict"
    public static let invalid = "Invalid"
    public static let badRequest = "BadRequest"
    public static let unauthorized = "Unauthorized"
    public static let forbidden = "Forbidden"
    public static let expired = "Expired"
    public static let gone = "Gone"
    public static let tooManyRequests = "TooManyRequests"
    public static let internalError = "InternalError"
    public static let serviceUnavailable = "ServiceUnavailable"
    public static let methodNotAllowed = "MethodNotAllowed"
    public static let unsupportedMediaType = "UnsupportedMediaType"
    public static let timeout = "Timeout"
}

/// `metav1.Condition`.
public struct Condition: Codable, Sendable, Hashable {
    public var type: String
    public var status: String
    public var observedGeneration: Int64?
    public var lastTransitionTime: String
    public var reason: String
    public var message: String

    public init(type: String, status: String, observedGeneration: Int64? = nil, lastTransitionTime: String, reason: String, message: String) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }
}

import KubeModel

/// Every failure the client reports. API answers (a `Status`) are kept apart from transport, TLS
/// and configuration problems, and each message says what to check.
public enum KubeError: Error, CustomStringConvertible, Sendable {
    /// The server answered with an error `Status` (404, 409, 422, 401, 403, 5xx, …).
    case api(code: Int, status: APIStatus)
    /// The watch's resourceVersion is too old (in-stream ERROR 410 or HTTP 410): relist.
    case expired(APIStatus)
    /// The connection failed, timed out or was reset.
    case transport(String)
    /// TLS failed: certificate verification, client certificate, or handshake.
    case tls(String)
    /// The kubeconfig or in-cluster configuration is missing or wrong.
    case config(String)
    /// A body could not be decoded.
    case decoding(String)

    public var description: String {
        switch self {
        case .api(let code, let status):
            return "the API server answered \(code) \(status.reason ?? ""): \(status.message ?? "(no message)")"
        case .expired(let status):
            return "watch expired: \(status.message ?? "resourceVersion too old") — relist"
        case .transport(let m), .tls(let m), .config(let m), .decoding(let m):
            return m
        }
    }

    public var code: Int? {
        switch self {
        case .api(let code, _): return code
        case .expired: return 410
        default: return nil
        }
    }

    public var status: APIStatus? {
        switch self {
        case .api(_, let s), .expired(let s): return s
        default: return nil
        }
    }

    public var isNotFound: Bool { code == 404 }
    public var isConflict: Bool { code == 409 && status?.reason == StatusReason.conflict }
    public var isAlreadyExists: Bool { code == 409 && status?.reason == StatusReason.alreadyExists }
    public var isInvalid: Bool { code == 422 }
    public var isUnauthorized: Bool { code == 401 }
    public var isForbidden: Bool { code == 403 }
    public var isExpired: Bool { if case .expired = self { return true }; return false }
}

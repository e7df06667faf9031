import Foundation
import Logging
import Synchronization
import KubeModel

/// A Kubernetes API client over libcurl: any group/version/resource, typed or untyped.
///
/// Guarantees: thread-safe and synchronous (each call blocks its thread until the answer, so it
/// fits Dispatch workers); API errors arrive as `KubeError.api` with the server's `Status`;
/// 429 and 5xx answers to retry-safe requests are retried up to `maxAttempts` times, waiting
/// the server's `Retry-After` (capped); a 401 with an exec plugin re-runs the plugin once.
public final class KubeClient: Sendable {
    public static let version = "0.1.0"
    /// Attempts per request when the server is overloaded or failing (client-go retries up to 10;
    /// the work queue's backoff takes over after a few).
    public static let maxAttempts = 3
    /// Longest `Retry-After` honoured; longer asks fall back to the caller's backoff.
    public static let maxRetryAfter: TimeInterval = 10
    /// Wait when a 5xx carries no `Retry-After`.
    public static let defaultRetryDelay: TimeInterval = 0.2

    public struct Options: Sendable {
        /// Client-side rate limit (requests per second; 0 disables) and burst.
        public var qps: Double
        public var burst: Int
        public var userAgent: String
        /// Waits between retries; tests replace it.
        public var sleep: @Sendable (TimeInterval) -> Void
        /// Observes every finished request (verb, status code or 0 for transport errors, seconds).
        public var onRequest: (@Sendable (String, Int, TimeInterval) -> Void)?

        public init(qps: Double = 0, burst: Int = 0, userAgent: String = "dynamo-operator/\(KubeClient.version)",
                    sleep: @escaping @Sendable (TimeInterval) -> Void = { Thread.sleep(forTimeInterval: $0) },
                    onRequest: (@Sendable (String, Int, TimeInterval) -> Void)? = nil) {
            self.qps = qps
            self.burst = burst
            self.userAgent = userAgent
            self.sleep = sleep
            self.onRequest = onRequest
        }
    }

    public let config: ClusterConfig
    let transport: CurlTransport
    let credentials: CredentialProvider
    let options: Options
    let limiter: TokenBucket?
    let logger: Logger

    public init(config: ClusterConfig, options: Options = .init(), logger: Logger = Logger(label: "kube.client")) {
        self.config = config
        self.options = options
        self.logger = logger
        transport = CurlTransport(config: config, userAgent: options.userAgent, logger: logger)
        credentials = CredentialProvider(auth: config.auth)
        limiter = options.qps > 0 ? TokenBucket(qps: options.qps, burst: max(1, options.burst)) : nil
    }

    /// Loads configuration by client-go's rules (see `ClusterConfig.load`).
    public static func load(kubeconfigPath: String? = nil, context: String? = nil,
                            environment: [String: String] = ProcessInfo.processInfo.environment,
                            inClusterRoot: String = "/var/run/secrets/kubernetes.io/serviceaccount",
                            options: Options = .init(), logger: Logger = Logger(label: "kube.client")) throws -> KubeClient {
        KubeClient(config: try ClusterConfig.load(kubeconfigPath: kubeconfigPath, context: context, environment: environment, inClusterRoot: inClusterRoot),
                   options: options, logger: logger)
    }

    public var namespace: String { config.namespace }
    public var server: String { config.server }

    // MARK: - Raw

    /// Sends any request with this client's authentication, retries and rate limit; returns the
    /// response whatever its status.
    public func send(_ request: HTTPRequest) throws -> HTTPResponse {
        let retrySafe = request.method != "POST"
        var attempt = 1
        var reauthenticated = false
        while true {
            limiter?.take(sleep: options.sleep)
            let creds = try credentials.current()
            let start = Date()
            let response: HTTPResponse
            do {
                response = try transport.send(request, credentials: creds)
            } catch {
                options.onRequest?(request.method, 0, Date().timeIntervalSince(start))
                throw error
            }
            options.onRequest?(request.method, response.status, Date().timeIntervalSince(start))
            if response.status == 401, case .exec = config.auth, !reauthenticated {
                reauthenticated = true
                credentials.invalidate()
                continue
            }
            let retryable = response.status == 429 || (retrySafe && [500, 502, 503, 504].contains(response.status))
            if retryable && attempt < Self.maxAttempts {
                let asked = response.headers["retry-after"].flatMap(TimeInterval.init)
                let delay = min(Self.maxRetryAfter, asked ?? Self.defaultRetryDelay * Double(attempt))
                logger.debug("retrying", metadata: ["status": "\(response.status)", "path": "\(request.path)", "delay": "\(delay)"])
                options.sleep(delay)
                attempt += 1
                continue
            }
            return response
        }
    }

    /// Sends a request and returns its decoded JSON body (an empty object when `parse` is
    /// false), or throws the server's Status.
    func call(_ method: String, _ path: String, query: [(String, String)] = [], body: Data? = nil, contentType: String? = nil,
              parse: Bool = true) throws -> JSONValue {
        var headers: [(String, String)] = []
        if let contentType { headers.append(("Content-Type", contentType)) }
        let response = try send(HTTPRequest(method: method, path: path, query: query, headers: headers, body: body))
        guard (200..<300).contains(response.status) else { throw Self.apiError(response) }
        if response.body.isEmpty || !parse { return .object([:]) }
        do {
            return try JSONValue(data: response.body)
        } catch {
            throw KubeError.decoding("\(method) \(path): the response is not JSON: \(error)")
        }
    }

    static func apiError(_ response: HTTPResponse) -> KubeError {
        let status = (try? JSONCoding.decode(APIStatus.self, from: response.body)).flatMap { $0.kind == "Status" ? $0 : nil }
            ?? APIStatus(message: String(decoding: response.body.prefix(512), as: UTF8.self), reason: reason(for: response.status), code: response.status)
        if response.status == 410 { return .expired(status) }
        return .api(code: response.status, status: status)
    }

    static func reason(for code: Int) -> String {
        switch code {
        case 400: return StatusReason.badRequest
        case 401: return StatusReason.unauthorized
        case 403: return StatusReason.forbidden
        case 404: return StatusReason.notFound
        case 409: return StatusReason.conflict
        case 410: return StatusReason.gone
        case 422: return StatusReason.invalid
        case 429: return StatusReason.tooManyRequests
        case 503: return StatusReason.serviceUnavailable
        default: return StatusReason.internalError
        }
    }

    // MARK: - Untyped verbs

    public func get(_ r: ResourceDescriptor, namespace: String?, name: String, subresource: String? = nil) throws -> JSONValue {
        try call("GET", r.objectPath(namespace: namespace, name: name, subresource: subresource))
    }

    public func list(_ r: ResourceDescriptor, namespace: String?, options: ListOptions = .init()) throws -> JSONValue {
        try call("GET", r.collectionPath(namespace: namespace), query: options.query)
    }

    public func create(_ r: ResourceDescriptor, namespace: String?, body: JSONValue, options: WriteOptions = .init()) throws -> JSONValue {
        try call("POST", r.collectionPath(namespace: namespace), query: options.query, body: try body.data(), contentType: "application/json")
    }

    /// As `create`, for a caller that does not read the object the server returns (an Event):
    /// a non-2xx answer still throws its Status, but a success's body is not parsed.
    public func createIgnoringResult(_ r: ResourceDescriptor, namespace: String?, body: JSONValue, options: WriteOptions = .init()) throws {
        _ = try call("POST", r.collectionPath(namespace: namespace), query: options.query, body: try body.data(),
                     contentType: "application/json", parse: false)
    }

    public func replace(_ r: ResourceDescriptor, namespace: String?, name: String, body: JSONValue, subresource: String? = nil, options: WriteOptions = .init()) throws -> JSONValue {
        try call("PUT", r.objectPath(namespace: namespace, name: name, subresource: subresource), query: options.query, body: try body.data(), contentType: "application/json")
    }

    public func patch(_ r: ResourceDescriptor, namespace: String?, name: String, patch: Patch, subresource: String? = nil, options: WriteOptions = .init()) throws -> JSONValue {
        try call("PATCH", r.objectPath(namespace: namespace, name: name, subresource: subresource), query: options.query,
                 body: try patch.body.data(), contentType: patch.contentType)
    }

    /// As `patch`, for a caller that does not read the object the server returns (a status
    /// write): a non-2xx answer still throws its Status, but a success's body is not parsed.
    public func patchIgnoringResult(_ r: ResourceDescriptor, namespace: String?, name: String, patch: Patch, subresource: String? = nil,
                                    options: WriteOptions = .init()) throws {
        _ = try call("PATCH", r.objectPath(namespace: namespace, name: name, subresource: subresource), query: options.query,
                     body: try patch.body.data(), contentType: patch.contentType, parse: false)
    }

    public func delete(_ r: ResourceDescriptor, namespace: String?, name: String, options: DeleteOptions = .init()) throws {
        _ = try call("DELETE", r.objectPath(namespace: namespace, name: name), body: try JSONCoding.encode(options), contentType: "application/json")
    }

    // MARK: - Typed verbs

    public func get<T: KubeResource>(_ type: T.Type, namespace: String?, name: String, subresource: String? = nil) throws -> T {
        try decode(get(T.resource, namespace: namespace, name: name, subresource: subresource))
    }

    public func list<T: KubeResource>(_ type: T.Type, namespace: String?, options: ListOptions = .init()) throws -> ObjectList<T> {
        try decode(list(T.resource, namespace: namespace, options: options))
    }

    /// Every page of a list, followed through `continue`.
    public func listAll<T: KubeResource>(_ type: T.Type, namespace: String?, options: ListOptions = .init()) throws -> ObjectList<T> {
        var opts = options
        var all: ObjectList<T> = try list(type, namespace: namespace, options: opts)
        while let token = all.metadata.continue, !token.isEmpty {
            opts.continueToken = token
            let page: ObjectList<T> = try list(type, namespace: namespace, options: opts)
            all.items += page.items
            all.metadata = page.metadata
        }
        return all
    }

    public func create<T: KubeResource>(_ object: T, namespace: String?, options: WriteOptions = .init()) throws -> T {
        try decode(create(T.resource, namespace: namespace, body: JSONValue(encoding: object), options: options))
    }

    public func replace<T: KubeResource>(_ object: T, namespace: String?, subresource: String? = nil, options: WriteOptions = .init()) throws -> T {
        try decode(replace(T.resource, namespace: namespace, name: object.metadata.name ?? "", body: JSONValue(encoding: object), subresource: subresource, options: options))
    }

    public func patch<T: KubeResource>(_ type: T.Type, namespace: String?, name: String, patch: Patch, subresource: String? = nil, options: WriteOptions = .init()) throws -> T {
        try decode(self.patch(T.resource, namespace: namespace, name: name, patch: patch, subresource: subresource, options: options))
    }

    /// Server-side apply of a typed object.
    public func apply<T: KubeResource>(_ object: T, namespace: String?, fieldManager: String, force: Bool, subresource: String? = nil) throws -> T {
        try decode(patch(T.resource, namespace: namespace, name: object.metadata.name ?? "", patch: .apply(JSONValue(encoding: object)),
                         subresource: subresource, options: WriteOptions(fieldManager: fieldManager, force: force)))
    }

    func decode<T: Decodable>(_ value: JSONValue) throws -> T {
        do {
            return try value.decode(as: T.self)
        } catch {
            throw KubeError.decoding("cannot decode \(T.self): \(error)")
        }
    }
}

/// A client-side token bucket (client-go's `flowcontrol.NewTokenBucketRateLimiter`).
final class TokenBucket: Sendable {
    struct State {
        var tokens: Double
        var last: Date
    }
    let qps: Double
    let burst: Double
    let state: Mutex<State>

    init(qps: Double, burst: Int) {
        self.qps = qps
        self.burst = Double(burst)
        state = Mutex(State(tokens: Double(burst), last: Date()))
    }

    func take(sleep: (TimeInterval) -> Void) {
        let wait = state.withLock { s -> TimeInterval in
            let now = Date()
            s.tokens = min(burst, s.tokens + now.timeIntervalSince(s.last) * qps)
            s.last = now
            s.tokens -= 1
            return s.tokens >= 0 ? 0 : -s.tokens / qps
        }
        if wait > 0 { sleep(wait) }
    }
}

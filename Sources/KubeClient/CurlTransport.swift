import CCurl
import Foundation
import Logging
import Synchronization

/// One HTTP request as the transport sends it.
public struct HTTPRequest: Sendable {
    public var method: String
    /// Path below the server URL, e.g. `/api/v1/namespaces`.
    public var path: String
    public var query: [(String, String)]
    public var headers: [(String, String)]
    public var body: Data?

    public init(method: String, path: String, query: [(String, String)] = [], headers: [(String, String)] = [], body: Data? = nil) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// One HTTP response.
public struct HTTPResponse: Sendable {
    public var status: Int
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data
}

/// HTTP over libcurl, shared by every thread of the process.
///
/// Guarantees: thread-safe; easy handles are pooled and reset between transfers, and one share
/// handle holds the DNS cache, TLS sessions and the connection pool, so consecutive requests reuse
/// connections; HTTP/2 is used where the server offers it; certificate verification is on unless
/// the configuration explicitly says `insecure-skip-tls-verify`.
final class CurlTransport: @unchecked Sendable {
    /// Connecting longer than this is a failure (client-go dials with a 30 s timeout; an operator
    /// in the cluster should never need more than a few seconds).
    static let connectTimeout = 10
    /// A whole non-watch request; lists of thousands of objects finish well within it.
    static let requestTimeout = 60
    /// Pooled idle handles kept; more concurrent transfers create handles that are freed after use.
    static let maxIdleHandles = 16
    /// Connections the shared cache may hold, in use or idle. libcurl's default (5) counts the
    /// long-lived watch connections too, so an operator with three watches and four workers
    /// closed an idle connection on nearly every request and reconnected on the next one.
    static let maxCachedConnections = 64

    let config: ClusterConfig
    let userAgent: String
    let logger: Logger
    // Immutable after init; libcurl guards its own state with the lock callbacks below.
    private let share: UnsafeMutableRawPointer
    private let shareLocks: ShareLocks
    private let pool = Mutex<[EasyHandle]>([])

    init(config: ClusterConfig, userAgent: String, logger: Logger) {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT))
        self.config = config
        self.userAgent = userAgent
        self.logger = logger
        share = curl_share_init()
        shareLocks = ShareLocks()
        let locks = Unmanaged.passUnretained(shareLocks).toOpaque()
        _ = dyn_share_setopt_ptr(share, CURLSHOPT_USERDATA, locks)
        _ = dyn_share_setopt_lock(share) { _, data, _, user in
            Unmanaged<ShareLocks>.fromOpaque(user!).takeUnretainedValue().lock(Int(data.rawValue))
        }
        _ = dyn_share_setopt_unlock(share) { _, data, user in
            Unmanaged<ShareLocks>.fromOpaque(user!).takeUnretainedValue().unlock(Int(data.rawValue))
        }
        for data in [CURL_LOCK_DATA_DNS, CURL_LOCK_DATA_SSL_SESSION, CURL_LOCK_DATA_CONNECT] {
            _ = dyn_share_setopt_long(share, CURLSHOPT_SHARE, Int(data.rawValue))
        }
        if config.tls.insecureSkipVerify {
            logger.warning("TLS certificate verification is OFF for \(config.server): insecure-skip-tls-verify is set in context \(config.context)")
        }
    }

    deinit {
        for h in pool.withLock({ $0 }) { curl_easy_cleanup(h.pointer) }
        curl_share_cleanup(share)
    }

    /// Sends a request and collects the whole response body.
    func send(_ request: HTTPRequest, credentials: Credentials) throws -> HTTPResponse {
        let ctx = TransferContext()
        let status = try perform(request, credentials: credentials, context: ctx, streaming: nil)
        return HTTPResponse(status: status, headers: ctx.headers, body: ctx.body)
    }

    /// Sends a request and hands the body to `onChunk` as it arrives (a watch). Returns the
    /// status when the server ends the body or `cancel` fires; a non-2xx body is collected and
    /// returned instead of streamed. `idleTimeout` seconds without a byte fail the transfer.
    func stream(_ request: HTTPRequest, credentials: Credentials, cancel: CancellationToken, idleTimeout: Int,
                onChunk: @escaping (Data) -> Bool) throws -> HTTPResponse {
        let ctx = TransferContext()
        ctx.onChunk = onChunk
        ctx.cancel = cancel
        let status = try perform(request, credentials: credentials, context: ctx, streaming: idleTimeout)
        return HTTPResponse(status: status, headers: ctx.headers, body: ctx.body)
    }

    private func acquire() -> UnsafeMutableRawPointer {
        pool.withLock { $0.popLast() }?.pointer ?? curl_easy_init()
    }

    private func release(_ h: UnsafeMutableRawPointer) {
        curl_easy_reset(h)
        let kept = pool.withLock { p -> Bool in
            guard p.count < Self.maxIdleHandles else { return false }
            p.append(EasyHandle(pointer: h))
            return true
        }
        if !kept { curl_easy_cleanup(h) }
    }

    func url(for request: HTTPRequest) -> String {
        var base = config.server
        if let name = config.tls.serverName, var comps = URLComponents(string: base) {
            comps.host = name
            base = comps.string ?? base
        }
        var url = base + request.path
        if !request.query.isEmpty {
            url += "?" + request.query.map { "\(Self.escape($0.0))=\(Self.escape($0.1))" }.joined(separator: "&")
        }
        return url
    }

    /// Percent-encodes a query key or value: every UTF-8 byte except RFC 3986's unreserved
    /// ASCII characters (`A-Z a-z 0-9 - . _ ~`). By hand: Foundation's `CharacterSet` version
    /// cost more per request than libcurl's transfer setup, and let non-ASCII letters through.
    static func escape(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out = [UInt8]()
        out.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            switch b {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
                out.append(b)
            default:
                out += [UInt8(ascii: "%"), hex[Int(b >> 4)], hex[Int(b & 0x0F)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private func perform(_ request: HTTPRequest, credentials: Credentials, context ctx: TransferContext, streaming idleTimeout: Int?) throws -> Int {
        let h = acquire()
        defer { release(h) }
        let target = url(for: request)
        var headerList: UnsafeMutablePointer<curl_slist>? = nil
        var connectTo: UnsafeMutablePointer<curl_slist>? = nil
        defer {
            curl_slist_free_all(headerList)
            curl_slist_free_all(connectTo)
        }
        var errorBuffer = [CChar](repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        let ctxPtr = Unmanaged.passUnretained(ctx).toOpaque()

        let code: CURLcode = errorBuffer.withUnsafeMutableBufferPointer { errBuf in
            _ = dyn_easy_setopt_share(h, share)
            _ = dyn_easy_setopt_str(h, CURLOPT_URL, target)
            _ = dyn_easy_setopt_long(h, CURLOPT_NOSIGNAL, 1)
            _ = dyn_easy_setopt_long(h, CURLOPT_HTTP_VERSION, Int(CURL_HTTP_VERSION_2TLS))
            _ = dyn_easy_setopt_long(h, CURLOPT_CONNECTTIMEOUT, Self.connectTimeout)
            _ = dyn_easy_setopt_str(h, CURLOPT_USERAGENT, userAgent)
            _ = dyn_easy_setopt_ptr(h, CURLOPT_ERRORBUFFER, errBuf.baseAddress)
            _ = dyn_easy_setopt_long(h, CURLOPT_TCP_KEEPALIVE, 1)
            _ = dyn_easy_setopt_long(h, CURLOPT_MAXCONNECTS, Self.maxCachedConnections)
            if let idle = idleTimeout {
                _ = dyn_easy_setopt_long(h, CURLOPT_LOW_SPEED_LIMIT, 1)
                _ = dyn_easy_setopt_long(h, CURLOPT_LOW_SPEED_TIME, idle)
            } else {
                _ = dyn_easy_setopt_long(h, CURLOPT_TIMEOUT, Self.requestTimeout)
            }
            configureTLS(h, credentials: credentials, connectTo: &connectTo)

            switch request.method {
            case "GET": _ = dyn_easy_setopt_long(h, CURLOPT_HTTPGET, 1)
            case "POST": _ = dyn_easy_setopt_long(h, CURLOPT_POST, 1)
            default: _ = dyn_easy_setopt_str(h, CURLOPT_CUSTOMREQUEST, request.method)
            }
            if let body = request.body {
                _ = dyn_easy_setopt_off(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
                body.withUnsafeBytes { raw in
                    _ = dyn_easy_setopt_ptr(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!))
                }
            }
            var allHeaders = request.headers
            allHeaders.append(("Accept", "application/json"))
            allHeaders.append(("Expect", ""))
            if let token = credentials.token { allHeaders.append(("Authorization", "Bearer \(token)")) }
            for (k, v) in allHeaders { headerList = curl_slist_append(headerList, "\(k): \(v)") }
            _ = dyn_easy_setopt_slist(h, CURLOPT_HTTPHEADER, headerList)

            _ = dyn_easy_setopt_ptr(h, CURLOPT_WRITEDATA, ctxPtr)
            _ = dyn_easy_setopt_writefunction(h) { ptr, size, n, user in
                let ctx = Unmanaged<TransferContext>.fromOpaque(user!).takeUnretainedValue()
                return ctx.received(ptr, size * n)
            }
            _ = dyn_easy_setopt_ptr(h, CURLOPT_HEADERDATA, ctxPtr)
            _ = dyn_easy_setopt_headerfunction(h) { ptr, size, n, user in
                let ctx = Unmanaged<TransferContext>.fromOpaque(user!).takeUnretainedValue()
                ctx.header(ptr, size * n)
                return size * n
            }
            if ctx.cancel != nil {
                _ = dyn_easy_setopt_long(h, CURLOPT_NOPROGRESS, 0)
                _ = dyn_easy_setopt_ptr(h, CURLOPT_XFERINFODATA, ctxPtr)
                _ = dyn_easy_setopt_xferinfofunction(h) { user, _, _, _, _ in
                    let ctx = Unmanaged<TransferContext>.fromOpaque(user!).takeUnretainedValue()
                    return ctx.cancel?.isCancelled == true ? 1 : 0
                }
            }
            return curl_easy_perform(h)
        }

        var status = 0
        _ = dyn_easy_getinfo_long(h, CURLINFO_RESPONSE_CODE, &status)
        if code == CURLE_OK { return status }
        if ctx.cancel?.isCancelled == true || ctx.stopped { return status }
        let detail = String(decoding: errorBuffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let reason = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        throw classify(code, reason: reason, url: target)
    }

    private func configureTLS(_ h: UnsafeMutableRawPointer, credentials: Credentials, connectTo: inout UnsafeMutablePointer<curl_slist>?) {
        let tls = config.tls
        if tls.insecureSkipVerify {
            _ = dyn_easy_setopt_long(h, CURLOPT_SSL_VERIFYPEER, 0)
            _ = dyn_easy_setopt_long(h, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if let file = tls.caFile { _ = dyn_easy_setopt_str(h, CURLOPT_CAINFO, file) }
        if let data = tls.caData { setBlob(h, CURLOPT_CAINFO_BLOB, data) }
        let certData = credentials.clientCertPEM ?? tls.clientCertData
        let keyData = credentials.clientKeyPEM ?? tls.clientKeyData
        if let cert = certData { setBlob(h, CURLOPT_SSLCERT_BLOB, cert) } else if let f = tls.clientCertFile { _ = dyn_easy_setopt_str(h, CURLOPT_SSLCERT, f) }
        if let key = keyData { setBlob(h, CURLOPT_SSLKEY_BLOB, key) } else if let f = tls.clientKeyFile { _ = dyn_easy_setopt_str(h, CURLOPT_SSLKEY, f) }
        _ = dyn_easy_setopt_str(h, CURLOPT_SSLCERTTYPE, "PEM")
        if let name = tls.serverName, let comps = URLComponents(string: config.server), let host = comps.host {
            let port = comps.port ?? (comps.scheme == "https" ? 443 : 80)
            connectTo = curl_slist_append(connectTo, "\(name):\(port):\(host):\(port)")
            _ = dyn_easy_setopt_slist(h, CURLOPT_CONNECT_TO, connectTo)
        }
    }

    private func setBlob(_ h: UnsafeMutableRawPointer, _ option: CURLoption, _ data: Data) {
        data.withUnsafeBytes { raw in
            var blob = curl_blob(data: UnsafeMutableRawPointer(mutating: raw.baseAddress), len: raw.count, flags: UInt32(CURL_BLOB_COPY))
            _ = dyn_easy_setopt_blob(h, option, &blob)
        }
    }

    /// Maps curl failures to what a person should check.
    func classify(_ code: CURLcode, reason: String, url: String) -> KubeError {
        let where_ = "context \"\(config.context)\" (\(config.source))"
        switch code {
        case CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE:
            return .tls("certificate verify failed for \(url): \(reason) — check certificate-authority / certificate-authority-data (and tls-server-name) in \(where_)")
        case CURLE_SSL_CERTPROBLEM:
            return .tls("client certificate rejected locally for \(url): \(reason) — check client-certificate / client-key in \(where_)")
        case CURLE_SSL_CONNECT_ERROR, CURLE_SSL_CIPHER, CURLE_USE_SSL_FAILED:
            return .tls("TLS handshake with \(url) failed: \(reason) — check the server URL and the client certificate in \(where_)")
        case CURLE_COULDNT_RESOLVE_HOST:
            return .transport("cannot resolve the API server host of \(url): \(reason) — check server in \(where_)")
        case CURLE_COULDNT_CONNECT:
            return .transport("cannot connect to the API server at \(url): \(reason) — is it running and reachable? (server in \(where_))")
        case CURLE_OPERATION_TIMEDOUT:
            return .transport("request to \(url) timed out: \(reason)")
        default:
            return .transport("request to \(url) failed: \(reason) (curl error \(code.rawValue))")
        }
    }
}

/// An idle libcurl easy handle; only ever used by the one thread that took it from the pool.
struct EasyHandle: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
}

/// One mutex per kind of data libcurl shares between handles.
final class ShareLocks: @unchecked Sendable {
    private let locks = (0..<16).map { _ in NSLock() }
    func lock(_ i: Int) { locks[min(i, locks.count - 1)].lock() }
    func unlock(_ i: Int) { locks[min(i, locks.count - 1)].unlock() }
}

/// Per-transfer state reached from libcurl's callbacks (which run on the performing thread).
final class TransferContext {
    var body = Data()
    var headers: [String: String] = [:]
    var status = 0
    var onChunk: ((Data) -> Bool)?
    var cancel: CancellationToken?
    /// The consumer asked to stop (a watch that saw a terminal event).
    var stopped = false

    func received(_ ptr: UnsafeMutablePointer<CChar>?, _ count: Int) -> Int {
        guard let ptr, count > 0 else { return count }
        let data = Data(bytes: ptr, count: count)
        if let onChunk, (200..<300).contains(status) {
            if !onChunk(data) {
                stopped = true
                return 0
            }
        } else {
            body.append(data)
        }
        return count
    }

    /// One header line as libcurl hands it over (with its CRLF). Parsed on bytes: Foundation's
    /// `trimmingCharacters` on every line of every response was a visible share of a request.
    func header(_ ptr: UnsafeMutablePointer<CChar>?, _ count: Int) {
        guard let ptr else { return }
        let raw = UnsafeRawBufferPointer(start: ptr, count: count).bindMemory(to: UInt8.self)
        let line = Self.trimmed(raw[...])
        if line.starts(with: "HTTP/".utf8) {
            headers = [:]
            let parts = line.split(separator: UInt8(ascii: " "))
            if parts.count > 1, let s = Int(String(decoding: UnsafeBufferPointer(rebasing: parts[1]), as: UTF8.self)) { status = s }
        } else if let colon = line.firstIndex(of: UInt8(ascii: ":")) {
            let name = String(decoding: UnsafeBufferPointer(rebasing: Self.trimmed(line[..<colon])), as: UTF8.self).lowercased()
            headers[name] = String(decoding: UnsafeBufferPointer(rebasing: Self.trimmed(line[line.index(after: colon)...])), as: UTF8.self)
        }
    }

    static func trimmed(_ s: Slice<UnsafeBufferPointer<UInt8>>) -> Slice<UnsafeBufferPointer<UInt8>> {
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A }
        var start = s.startIndex, end = s.endIndex
        while start < end, isSpace(s[start]) { start += 1 }
        while end > start, isSpace(s[end - 1]) { end -= 1 }
        return s[start..<end]
    }
}

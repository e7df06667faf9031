import Dispatch
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import NIOSSL
import Synchronization

/// The stand-in kube-apiserver's transport: HTTP/1.1 with keep-alive (optionally over TLS, and
/// HTTP/2 over ALPN when `Options.http2`) on SwiftNIO, in front of any `StandinBackend` (the core's `APIServer`, or a test fake).
///
/// Guarantees: thread-safe; `start` returns once the socket listens; request bodies up to
/// `maxBodyBytes` are accepted (larger ones get 413); the backend is called off the event loops;
/// authentication runs only when `Options.authenticationRequired` (401 exactly as a real server
/// words it), then `forbid` rules (403 worded like RBAC's); `stop` is graceful (open watches end
/// normally, in-flight answers are written, then connections close, at most `stopGrace` later
/// by force); `dropAllConnections` closes every connection at once but keeps the backend's
/// state, which clients see as a server restart. The control path is documented on
/// `ControlPath` (`/_standin/...`, loopback only).
public final class StandinServer: Sendable {
    /// Largest request body accepted: objects of 2 MiB (etcd's default request limit is 1.5 MiB;
    /// tests go past it) plus headroom for JSON patch bodies that carry a whole object.
    public static let maxBodyBytes = 8 * 1024 * 1024
    /// How long `stop` waits for in-flight answers before closing connections by force.
    public static let stopGrace: TimeAmount = .seconds(5)

    /// TLS material, as PEM files.
    public struct TLSOptions: Sendable, Equatable {
        public var certificatePath: String
        public var keyPath: String
        /// When set, client certificates signed by this CA authenticate as their subject CN.
        public var clientCAPath: String?
        /// The CA that signed the server certificate, embedded in kubeconfigs; nil means the
        /// certificate file itself (a self-signed certificate).
        public var certificateAuthorityPath: String?

        public init(certificatePath: String, keyPath: String, clientCAPath: String? = nil, certificateAuthorityPath: String? = nil) {
            self.certificatePath = certificatePath
            self.keyPath = keyPath
            self.clientCAPath = clientCAPath
            self.certificateAuthorityPath = certificateAuthorityPath
        }
    }

    public struct Options: Sendable {
        public var host: String
        /// 0 picks a free port.
        public var port: Int
        public var tls: TLSOptions?
        /// Bearer token → user name.
        public var tokens: [String: String]
        /// Event-loop threads. Two suffice: loops only parse and write; the backend runs on Dispatch.
        public var eventLoopThreads: Int
        /// Offer HTTP/2 over ALPN (TLS only; clients that do not pick `h2` get HTTP/1.1).
        public var http2: Bool

        public init(host: String = "127.0.0.1", port: Int = 0, tls: TLSOptions? = nil, tokens: [String: String] = [:],
                    eventLoopThreads: Int = 2, http2: Bool = false) {
            self.host = host
            self.port = port
            self.tls = tls
            self.tokens = tokens
            self.eventLoopThreads = eventLoopThreads
            self.http2 = http2
        }

        /// True when tokens or a client CA are configured: then every API request must authenticate.
        public var authenticationRequired: Bool { !tokens.isEmpty || tls?.clientCAPath != nil }
    }

    struct Running: Sendable {
        var group: MultiThreadedEventLoopGroup
        var channel: any Channel
        var url: URL
    }

    public let backend: any StandinBackend
    public let options: Options
    let connections = ConnectionRegistry()
    let access = AccessRules()
    let running = Mutex<Running?>(nil)
    let work = DispatchQueue(label: "kube-standin.backend", attributes: .concurrent)

    public init(backend: any StandinBackend, options: Options = Options()) {
        self.backend = backend
        self.options = options
    }

    deinit {
        stop()
    }

    /// Binds and starts serving; returns the base URL (`https://127.0.0.1:PORT` with TLS).
    /// Calling it again while running returns the same URL.
    @discardableResult
    public func start() throws -> URL {
        if let url = running.withLock({ $0?.url }) { return url }
        let http2 = options.http2
        let sslContext = try options.tls.map { try ServerTLS.makeContext($0, http2: http2) }
        let shared = ServerShared(
            backend: backend,
            authenticator: Authenticator(tokens: options.tokens, required: options.authenticationRequired),
            clientCertificates: options.tls?.clientCAPath != nil,
            access: access, connections: connections, work: work,
            dropConnections: { [connections] in connections.closeAll() })
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, options.eventLoopThreads))
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                ConnectionPipeline.configure(channel, shared: shared, tls: sslContext, http2: http2)
            }
        let channel: any Channel
        do {
            channel = try bootstrap.bind(host: options.host, port: options.port).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw error
        }
        let port = channel.localAddress?.port ?? options.port
        let host = options.host.contains(":") ? "[\(options.host)]" : options.host
        let url = URL(string: "\(options.tls == nil ? "http" : "https")://\(host):\(port)")!
        running.withLock { $0 = Running(group: group, channel: channel, url: url) }
        return url
    }

    /// The base URL while running.
    public var url: URL? { running.withLock { $0?.url } }

    /// Connections open right now.
    public var openConnections: Int { connections.count }

    /// Connections accepted since this server was created (keep-alive tests count reuse with it).
    public var acceptedConnections: Int { connections.acceptedCount }

    /// Connections that negotiated HTTP/2 since this server was created.
    public var http2Connections: Int { connections.http2Count }

    /// Stops gracefully: no new connections, open watches end normally (`backend.endWatches()`,
    /// which ends every watch of the backend), answers in flight are written, then every
    /// connection closes. Returns when the event loops have stopped. Idempotent; must not be
    /// called on one of this server's event loops.
    public func stop() {
        guard let r = running.withLock({ s -> Running? in defer { s = nil }; return s }) else { return }
        try? r.channel.close().wait()
        backend.endWatches()
        let closing = connections.quiesceAll()
        let force = r.group.next().scheduleTask(in: Self.stopGrace) { [connections] in connections.closeAll() }
        try? EventLoopFuture.andAllComplete(closing, on: r.group.next()).wait()
        force.cancel()
        try? r.group.syncShutdownGracefully()
    }

    /// Closes every open connection and watch at once, without terminating chunked bodies;
    /// the backend keeps its state. Clients see a restarted server.
    public func dropAllConnections() {
        connections.closeAll()
    }

    /// From now on, answers `verb` on `groupResource` by `user` with RBAC's 403 (nil user or
    /// verb: everyone, every verb).
    public func forbid(user: String?, verb: String?, groupResource: String) {
        access.add(ForbidRule(user: user, verb: verb, groupResource: groupResource))
    }

    /// Removes every `forbid` rule.
    public func allowAll() {
        access.clear()
    }

    /// A kubeconfig pointing at this server (call after `start`): `certificate-authority-data`
    /// with TLS, the given token and/or client certificate, and the namespace for the context.
    public func kubeconfig(user: String = "standin-user", token: String? = nil, clientCertificatePEM: String? = nil,
                           clientKeyPEM: String? = nil, namespace: String = "default") -> String {
        let server = url?.absoluteString ?? "\(options.tls == nil ? "http" : "https")://\(options.host):\(options.port)"
        let ca = options.tls.flatMap { FileManager.default.contents(atPath: $0.certificateAuthorityPath ?? $0.certificatePath) }
        return KubeconfigWriter.render(server: server, certificateAuthorityPEM: ca, user: user, token: token,
                                       clientCertificatePEM: clientCertificatePEM, clientKeyPEM: clientKeyPEM, namespace: namespace)
    }
}

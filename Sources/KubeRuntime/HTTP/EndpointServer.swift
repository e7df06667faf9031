import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization

/// A small HTTP/1.1 server for the operator's `/metrics`, `/healthz` and `/readyz` endpoints,
/// on SwiftNIO. controller-runtime runs two (metrics on :8080, probes on :8081); each is one of
/// these with the routes it serves.
///
/// Guarantees:
/// - serves exactly the configured routes (GET and HEAD); any other path is 404, other methods 405;
/// - `start()` returns once the socket listens, with the bound port (the kernel's pick for port 0),
///   or nil without binding when the address is `.disabled`;
/// - `stop(timeout:)` stops accepting, lets requests already received get their answer, closes
///   idle keep-alive connections, and force-closes whatever is left after `timeout`; it blocks
///   until every connection is closed, so it must not be called on one of the server's event loops;
/// - handlers run on the event loop: health checks and rendering must not block (they read state).
public final class EndpointServer: Sendable {
    /// How long `stop()` waits for in-flight requests: probes and scrapes answer in milliseconds;
    /// a few seconds covers a slow client reading a large /metrics body.
    public static let defaultStopTimeout: TimeInterval = 5
    /// Pending connections the kernel queues (Go's listener uses the system maximum; 128 is ample
    /// for probes and a scraper).
    static let backlog: Int32 = 128

    /// What the server answers.
    public struct Routes: Sendable {
        /// `/metrics`: the body to serve, in Prometheus text format 0.0.4.
        public var metrics: (@Sendable () -> [UInt8])?
        /// `/healthz` and `/healthz/<check>`.
        public var healthz: HealthChecks?
        /// `/readyz` and `/readyz/<check>`.
        public var readyz: HealthChecks?

        public init(metrics: (@Sendable () -> [UInt8])? = nil, healthz: HealthChecks? = nil, readyz: HealthChecks? = nil) {
            self.metrics = metrics
            self.healthz = healthz
            self.readyz = readyz
        }

        /// Serves `metrics.render()` on `/metrics`.
        public init(metrics: ControllerMetrics, healthz: HealthChecks? = nil, readyz: HealthChecks? = nil) {
            self.init(metrics: { metrics.render() }, healthz: healthz, readyz: readyz)
        }
    }

    struct State {
        var server: Channel?
        var connections: [ObjectIdentifier: Channel] = [:]
        var started = false
    }

    public let address: BindAddress
    let routes: Routes
    let group: EventLoopGroup
    let state = Mutex(State())

    public init(address: BindAddress, routes: Routes, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        self.address = address
        self.routes = routes
        self.group = group
    }

    /// Parses `bindAddress` like controller-runtime (`:8080`, `127.0.0.1:8080`, `0` to disable).
    public convenience init(bindAddress: String, routes: Routes, group: EventLoopGroup = MultiThreadedEventLoopGroup.singleton) throws {
        self.init(address: try BindAddress(parsing: bindAddress), routes: routes, group: group)
    }

    /// The bound port while running.
    public var port: Int? { state.withLock { $0.server?.localAddress?.port } }

    /// Binds and starts serving. Returns the bound port, or nil when the address is `.disabled`.
    /// Throws when binding fails (the server may then be started again) or it was already started.
    @discardableResult
    public func start() throws -> Int? {
        guard case .listen(let host, let port) = address else { return nil }
        try state.withLock { s in
            guard !s.started else { throw EndpointServerError.alreadyStarted }
            s.started = true
        }
        let routes = self.routes
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: Self.backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { [weak self] channel in
                self?.track(channel)
                return channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    try channel.pipeline.syncOperations.addHandler(EndpointHandler(routes: routes))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            state.withLock { $0.started = false }
            throw error
        }
        state.withLock { $0.server = channel }
        return channel.localAddress?.port
    }

    func track(_ channel: Channel) {
        let id = ObjectIdentifier(channel)
        state.withLock { $0.connections[id] = channel }
        channel.closeFuture.whenComplete { [weak self] _ in
            _ = self?.state.withLock { $0.connections.removeValue(forKey: id) }
        }
    }

    /// Stops gracefully (see the type's guarantees). Safe to call more than once.
    public func stop(timeout: TimeInterval = EndpointServer.defaultStopTimeout) {
        guard let server = state.withLock({ s -> Channel? in defer { s.server = nil }; return s.server }) else { return }
        try? server.close().wait()
        let open = state.withLock { Array($0.connections.values) }
        guard !open.isEmpty else { return }
        for connection in open {
            connection.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
        }
        let deadline = group.next().scheduleTask(in: .nanoseconds(Int64(timeout * 1e9))) {
            for connection in open { connection.close(promise: nil) }
        }
        _ = try? EventLoopFuture.andAllComplete(open.map(\.closeFuture), on: group.next()).wait()
        deadline.cancel()
    }
}

public enum EndpointServerError: Error, Equatable {
    case alreadyStarted
}

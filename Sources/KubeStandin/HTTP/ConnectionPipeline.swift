import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOSSL

/// Builds the pipeline of an accepted connection: TLS (when configured), then HTTP/1.1, or
/// HTTP/2 when the client picks `h2` over ALPN (each HTTP/2 stream then gets its own HTTP/1-style
/// pipeline, so `StandinHTTPHandler` serves both the same way).
///
/// Guarantees: every connection is tracked by `ConnectionTracker`; HTTP/2 connections close
/// gracefully on quiesce (GOAWAY, then close once their streams are done); request bodies are
/// aggregated up to `StandinServer.maxBodyBytes` in both protocols.
enum ConnectionPipeline {
    static func configure(_ channel: any Channel, shared: ServerShared, tls: NIOSSLContext?, http2: Bool) -> EventLoopFuture<Void> {
        do {
            let sync = channel.pipeline.syncOperations
            try sync.addHandler(ConnectionTracker(registry: shared.connections))
            if let tls { try sync.addHandler(NIOSSLServerHandler(context: tls)) }
            guard tls != nil, http2 else {
                try configureHTTP1(channel, shared: shared)
                return channel.eventLoop.makeSucceededVoidFuture()
            }
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        return channel.configureHTTP2SecureUpgrade(
            h2ChannelConfigurator: { channel in
                channel.eventLoop.makeCompletedFuture { try configureHTTP2(channel, shared: shared) }
            },
            http1ChannelConfigurator: { channel in
                channel.eventLoop.makeCompletedFuture { try configureHTTP1(channel, shared: shared) }
            })
    }

    static func configureHTTP1(_ channel: any Channel, shared: ServerShared) throws {
        let sync = channel.pipeline.syncOperations
        try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true)
        try sync.addHandler(NIOHTTPServerRequestAggregator(maxContentLength: StandinServer.maxBodyBytes))
        try sync.addHandler(StandinHTTPHandler(shared: shared))
    }

    static func configureHTTP2(_ channel: any Channel, shared: ServerShared) throws {
        shared.connections.http2Negotiated()
        let sync = channel.pipeline.syncOperations
        let manager = NIOHTTP2ServerConnectionManagementHandler(
            eventLoop: channel.eventLoop,
            configuration: .init(maxIdleTime: nil, maxAge: nil, maxGraceTime: nil, keepalive: nil))
        _ = try sync.configureHTTP2Pipeline(
            mode: .server, connectionConfiguration: .init(), streamConfiguration: .init(),
            streamDelegate: manager.http2StreamDelegate
        ) { stream in
            stream.eventLoop.makeCompletedFuture {
                let s = stream.pipeline.syncOperations
                try s.addHandler(HTTP2FramePayloadToHTTP1ServerCodec())
                try s.addHandler(NIOHTTPServerRequestAggregator(maxContentLength: StandinServer.maxBodyBytes))
                try s.addHandler(StandinHTTPHandler(shared: shared, isHTTP2Stream: true))
            }
        }
        try sync.addHandler(manager)
    }
}

import NIOCore
import Synchronization

/// Every open client connection of a server, so it can drop them all (a "restart" as clients
/// see it) or quiesce them on stop.
///
/// Guarantees: thread-safe; a channel is listed from `channelActive` until `channelInactive`.
final class ConnectionRegistry: Sendable {
    let channels = Mutex<[ObjectIdentifier: any Channel]>([:])
    /// Connections accepted since the server started.
    let accepted = Mutex(0)

    func add(_ channel: any Channel) {
        channels.withLock { $0[ObjectIdentifier(channel)] = channel }
        accepted.withLock { $0 += 1 }
    }
    func remove(_ channel: any Channel) { _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) } }
    var all: [any Channel] { channels.withLock { Array($0.values) } }
    var count: Int { channels.withLock { $0.count } }
    var acceptedCount: Int { accepted.withLock { $0 } }

    /// Connections that negotiated HTTP/2 over ALPN.
    let http2 = Mutex(0)
    func http2Negotiated() { http2.withLock { $0 += 1 } }
    var http2Count: Int { http2.withLock { $0 } }

    /// Closes every connection at once (in-flight requests and watches are cut).
    func closeAll() {
        for channel in all { channel.close(promise: nil) }
    }

    /// Asks every connection to close once its current response is written (HTTP pipelining
    /// handler semantics); returns the futures of their closing.
    func quiesceAll() -> [EventLoopFuture<Void>] {
        all.map { channel in
            channel.pipeline.fireUserInboundEventTriggered(ChannelShouldQuiesceEvent())
            return channel.closeFuture
        }
    }
}

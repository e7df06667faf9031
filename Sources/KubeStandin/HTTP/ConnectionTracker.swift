import NIOCore

/// First handler of every accepted connection: lists it in the server's `ConnectionRegistry`
/// while it is open (HTTP/1.1 and HTTP/2 alike, so dropping connections closes the TCP
/// connection, not just HTTP/2 streams).
final class ConnectionTracker: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny

    let registry: ConnectionRegistry

    init(registry: ConnectionRegistry) {
        self.registry = registry
    }

    func channelActive(context: ChannelHandlerContext) {
        registry.add(context.channel)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        registry.remove(context.channel)
        context.fireChannelInactive()
    }
}

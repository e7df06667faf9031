import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1
import NIOSSL

/// Serves one HTTP/1.1 connection or one HTTP/2 stream: authenticates and authorizes each aggregated request, applies the
/// transport's delay fault, asks the backend off the event loop, and writes its answer.
///
/// Guarantees: one request is answered at a time per connection (the pipelining handler before
/// this one holds the next until `.end`), so a watch keeps its connection until it ends;
/// watch frames are written and flushed in the order the stream delivers them; a stream is
/// cancelled when its connection closes; `.cutMidEvent` writes its partial bytes and closes the
/// connection without the chunked terminator; `.full` answers always carry `Content-Length`
/// and a `Content-Type` (`application/json` unless the backend set one).
final class StandinHTTPHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = NIOHTTPServerRequestFull
    typealias OutboundOut = HTTPServerResponsePart

    /// The handler and its context, to come back to on the event loop after off-loop work.
    struct Target {
        let handler: StandinHTTPHandler
        let context: ChannelHandlerContext
    }

    /// How to answer the current request.
    struct Exchange: Sendable {
        var keepAlive: Bool
        var version: HTTPVersion
    }

    let shared: ServerShared
    /// True on an HTTP/2 stream channel, whose parent is the TCP connection (an HTTP/1.1
    /// connection's parent is the listening socket, on another event loop).
    let isHTTP2Stream: Bool
    private var watch: (any WatchStream)?
    /// The verified client certificate's CN, looked up once per connection (`.some(nil)`: none).
    private var certificateUser: String??

    init(shared: ServerShared, isHTTP2Stream: Bool = false) {
        self.shared = shared
        self.isHTTP2Stream = isHTTP2Stream
    }

    /// The TCP connection's channel (same event loop as this handler's).
    private func connection(_ context: ChannelHandlerContext) -> any Channel {
        isHTTP2Stream ? (context.channel.parent ?? context.channel) : context.channel
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let stream = watch {
            watch = nil
            stream.cancel()
        }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let full = unwrapInboundIn(data)
        let exchange = Exchange(keepAlive: full.head.isKeepAlive, version: full.head.version)
        var request = RequestDecoding.decode(head: full.head, body: full.body)
        let bound = NIOLoopBound(Target(handler: self, context: context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        let reply: @Sendable (StandinResponse, (@Sendable () -> Void)?) -> Void = { response, after in
            eventLoop.execute { bound.value.handler.write(response, exchange, context: bound.value.context, after: after) }
        }
        let shared = self.shared

        if request.path.hasPrefix(ControlPath.prefix) {
            guard Self.isLoopback(connection(context).remoteAddress) else {
                write(ControlPath.error(403, "the control path answers loopback clients only"), exchange, context: context, after: nil)
                return
            }
            let controlRequest = request
            shared.work.async {
                let result = ControlPath.handle(controlRequest, backend: shared.backend, dropConnections: shared.dropConnections)
                reply(result.response, result.afterResponse)
            }
            return
        }

        switch shared.authenticator.authenticate(authorization: request.headers["authorization"], certificateUser: certificateUser(context)) {
        case .unauthorized:
            write(Authenticator.unauthorizedResponse, exchange, context: context, after: nil)
            return
        case .user(let user):
            request.user = user
        case .anonymous:
            break
        }
        if let denied = shared.access.check(request, user: request.user) {
            write(denied, exchange, context: context, after: nil)
            return
        }
        let served = request
        let serve: @Sendable () -> Void = {
            shared.work.async { reply(shared.backend.handle(served), nil) }
        }
        let delay = shared.backend.faults.delay(for: served)
        if delay > 0 {
            eventLoop.scheduleTask(in: .nanoseconds(Int64(delay * 1_000_000_000))) { serve() }
        } else {
            serve()
        }
    }

    // MARK: - Writing answers

    func write(_ response: StandinResponse, _ exchange: Exchange, context: ChannelHandlerContext, after: (@Sendable () -> Void)?) {
        switch response {
        case .full(let status, let headerList, let body):
            var headers = HTTPHeaders(headerList)
            if !headers.contains(name: "content-type") { headers.add(name: "Content-Type", value: "application/json") }
            headers.remove(name: "transfer-encoding")
            headers.replaceOrAdd(name: "Content-Length", value: String(body.count))
            if !exchange.keepAlive { headers.replaceOrAdd(name: "Connection", value: "close") }
            let head = HTTPResponseHead(version: exchange.version, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            if !body.isEmpty { context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(data: body)))), promise: nil) }
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            let channel = context.channel
            done.whenComplete { _ in
                after?()
                if !exchange.keepAlive { channel.close(promise: nil) }
            }
        case .watch(let stream):
            startWatch(stream, exchange, context: context)
        }
    }

    private func startWatch(_ stream: any WatchStream, _ exchange: Exchange, context: ChannelHandlerContext) {
        guard context.channel.isActive else {
            // The client left while the backend worked: start and cancel at once, so the
            // stream's contract (cancel after start) holds and it unregisters.
            stream.start(onFrame: { _ in }, onEnd: { _ in })
            stream.cancel()
            return
        }
        watch = stream
        var headers = HTTPHeaders([("Content-Type", "application/json"), ("Transfer-Encoding", "chunked")])
        if !exchange.keepAlive { headers.add(name: "Connection", value: "close") }
        context.writeAndFlush(wrapOutboundOut(.head(HTTPResponseHead(version: exchange.version, status: .ok, headers: headers))), promise: nil)
        let bound = NIOLoopBound(Target(handler: self, context: context), eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        stream.start(
            onFrame: { frame in
                eventLoop.execute { bound.value.handler.watchFrame(frame, of: stream, context: bound.value.context) }
            },
            onEnd: { end in
                eventLoop.execute { bound.value.handler.watchEnded(end, of: stream, exchange, context: bound.value.context) }
            })
    }

    private func watchFrame(_ frame: Data, of stream: any WatchStream, context: ChannelHandlerContext) {
        guard watch === stream, !frame.isEmpty else { return }
        context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(data: frame)))), promise: nil)
    }

    private func watchEnded(_ end: WatchEnd, of stream: any WatchStream, _ exchange: Exchange, context: ChannelHandlerContext) {
        guard watch === stream else { return }
        watch = nil
        let channel = context.channel
        switch end {
        case .finished:
            let done = context.writeAndFlush(wrapOutboundOut(.end(nil)))
            if !exchange.keepAlive { done.whenComplete { _ in channel.close(promise: nil) } }
        case .cancelled:
            // Only this handler cancels, when the connection closes; a stream ending this way
            // on a live connection leaves a body that can never end, so close it.
            channel.close(promise: nil)
        case .cutMidEvent(let partial):
            let written: EventLoopFuture<Void>
            if partial.isEmpty {
                written = context.eventLoop.makeSucceededVoidFuture()
            } else {
                written = context.writeAndFlush(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(data: partial)))))
            }
            written.whenComplete { _ in channel.close(promise: nil) }
        }
    }

    // MARK: - Helpers

    private func certificateUser(_ context: ChannelHandlerContext) -> String? {
        if let cached = certificateUser { return cached }
        var user: String?
        if shared.clientCertificates,
           let tls = try? connection(context).pipeline.syncOperations.handler(type: NIOSSLServerHandler.self),
           let certificate = tls.peerCertificate,
           let der = try? certificate.toDERBytes() {
            user = CertificateSubject.commonName(der: der)
        }
        certificateUser = .some(user)
        return user
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return false }
        if case .unixDomainSocket = address { return true }
        guard let ip = address.ipAddress else { return false }
        return ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }
}

import NIOCore
import NIOHTTP1

/// One answer of `EndpointServer`, independent of the socket (routing is tested without one too).
struct EndpointResponse: Equatable {
    /// Go's `http.Error` and controller-runtime's health handlers answer plain text.
    static let plainText = "text/plain; charset=utf-8"

    var status: Int
    var contentType: String
    var body: [UInt8]

    init(status: Int, contentType: String = Self.plainText, body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    init(status: Int, text: String) { self.init(status: status, body: Array(text.utf8)) }

    static let notFound = EndpointResponse(status: 404, text: "404 page not found\n")
    static let methodNotAllowed = EndpointResponse(status: 405, text: "method not allowed\n")
}

extension EndpointServer.Routes {
    /// Routes one request. `uri` is the request target: path plus optional `?query`.
    func respond(method: HTTPMethod, uri: String) -> EndpointResponse {
        let (path, query) = Self.split(uri)
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard let first = segments.first, segments.count <= 2 else { return .notFound }
        let checks: HealthChecks?
        switch first {
        case "metrics":
            guard segments.count == 1, let metrics else { return .notFound }
            guard method == .GET || method == .HEAD else { return .methodNotAllowed }
            return EndpointResponse(status: 200, contentType: ControllerMetrics.contentType, body: metrics())
        case "healthz": checks = healthz
        case "readyz": checks = readyz
        default: return .notFound
        }
        guard let checks else { return .notFound }
        guard method == .GET || method == .HEAD else { return .methodNotAllowed }
        if segments.count == 2 {
            guard let answer = checks.single(segments[1]) else { return .notFound }
            return EndpointResponse(status: answer.status, text: answer.body)
        }
        let verbose = query.contains { $0.name == "verbose" }
        let excluded = Set(query.filter { $0.name == "exclude" }.map(\.value))
        let answer = checks.aggregate(verbose: verbose, excluding: excluded)
        return EndpointResponse(status: answer.status, text: answer.body)
    }

    /// Path and query items (names and values as sent; the endpoints need no percent-decoding).
    static func split(_ uri: String) -> (path: Substring, query: [(name: String, value: String)]) {
        guard let q = uri.firstIndex(of: "?") else { return (uri[...], []) }
        let items = uri[uri.index(after: q)...].split(separator: "&").map { item -> (name: String, value: String) in
            guard let eq = item.firstIndex(of: "=") else { return (String(item), "") }
            return (String(item[..<eq]), String(item[item.index(after: eq)...]))
        }
        return (uri[..<q], items)
    }
}

/// Answers each complete request with `Routes.respond`. Keep-alive and graceful close are left
/// to NIO's `HTTPServerPipelineHandler` in front of it.
final class EndpointHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let routes: EndpointServer.Routes
    var head: HTTPRequestHead?

    init(routes: EndpointServer.Routes) { self.routes = routes }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let h): head = h
        case .body: break
        case .end:
            guard let request = head else { return }
            head = nil
            respond(to: request, context: context)
        }
    }

    func respond(to request: HTTPRequestHead, context: ChannelHandlerContext) {
        let response = routes.respond(method: request.method, uri: request.uri)
        let keepAlive = request.isKeepAlive
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: response.contentType)
        headers.add(name: "Content-Length", value: String(response.body.count))
        headers.add(name: "X-Content-Type-Options", value: "nosniff")
        if !keepAlive { headers.add(name: "Connection", value: "close") }
        let head = HTTPResponseHead(version: request.version, status: HTTPResponseStatus(statusCode: response.status), headers: headers)
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        if request.method != .HEAD {
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: response.body)))), promise: nil)
        }
        let written = context.writeAndFlush(wrapOutboundOut(.end(nil)))
        if !keepAlive {
            written.assumeIsolated().whenComplete { _ in context.close(promise: nil) }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}

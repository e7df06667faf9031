import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A tiny HTTP/1.1 server on 127.0.0.1 for client tests: records every request and answers
/// from a handler, with keep-alive and chunked streaming (for watches).
final class ScriptedServer: @unchecked Sendable {
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var body: Data
        var path: String { String(target.split(separator: "?", maxSplits: 1).first ?? "") }
        var query: [String: String] {
            guard let q = target.split(separator: "?", maxSplits: 1).dropFirst().first else { return [:] }
            var out: [String: String] = [:]
            for pair in q.split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
                out[kv[0]] = kv.count > 1 ? kv[1] : ""
            }
            return out
        }
    }
    enum Reply {
        case full(status: Int, headers: [(String, String)] = [], body: Data)
        /// Chunked body: each element is written as it comes, with `pause` seconds between;
        /// `hold` keeps the stream open (silent) until the client goes away.
        case stream(status: Int, chunks: [Data], pause: TimeInterval = 0, hold: Bool = false)
    }

    let handler: @Sendable (Request) -> Reply
    let log = Mutex([Request]())
    let connections = Mutex(0)
    var port: UInt16 = 0
    private var listener: Int32 = -1
    /// Signalled once the accept thread has closed the listening socket.
    private let closed = DispatchSemaphore(value: 0)

    init(handler: @escaping @Sendable (Request) -> Reply) throws {
        self.handler = handler
        listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, len) } }
        listen(listener, 64)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &len) } }
        port = UInt16(bigEndian: addr.sin_port)
        let fd = listener
        Thread.detachNewThread { [self] in
            while true {
                let c = accept(fd, nil, nil)
                if c < 0 {
                    // Only this thread closes the descriptor, so its number cannot be reused by
                    // another test's socket while this loop still accepts on it.
                    close(fd)
                    closed.signal()
                    return
                }
                connections.withLock { $0 += 1 }
                Thread.detachNewThread { self.serve(c) }
            }
        }
    }

    var url: String { "http://127.0.0.1:\(port)" }
    var requests: [Request] { log.withLock { $0 } }

    /// Stops accepting; returns once the port is closed.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        _ = closed.wait(timeout: .now() + 5)
    }

    private func serve(_ fd: Int32) {
        defer { close(fd) }
        var buffer = Data()
        while true {
            guard let request = readRequest(fd, &buffer) else { return }
            log.withLock { $0.append(request) }
            switch handler(request) {
            case .full(let status, let headers, let body):
                var head = "HTTP/1.1 \(status) X\r\nContent-Length: \(body.count)\r\nContent-Type: application/json\r\n"
                for (k, v) in headers { head += "\(k): \(v)\r\n" }
                head += "\r\n"
                guard write(fd, Data(head.utf8) + body) else { return }
            case .stream(let status, let chunks, let pause, let hold):
                guard write(fd, Data("HTTP/1.1 \(status) X\r\nTransfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n".utf8)) else { return }
                for chunk in chunks where !chunk.isEmpty {
                    if pause > 0 { Thread.sleep(forTimeInterval: pause) }
                    guard write(fd, Data(String(chunk.count, radix: 16).utf8) + Data("\r\n".utf8) + chunk + Data("\r\n".utf8)) else { return }
                }
                if hold {
                    var byte: UInt8 = 0
                    _ = recv(fd, &byte, 1, 0)   // returns when the client closes
                    return
                }
                guard write(fd, Data("0\r\n\r\n".utf8)) else { return }
            }
        }
    }

    private func write(_ fd: Int32, _ data: Data) -> Bool {
        data.withUnsafeBytes { raw in
            var off = 0
            while off < raw.count {
                let n = send(fd, raw.baseAddress! + off, raw.count - off, Int32(MSG_NOSIGNAL))
                if n <= 0 { return false }
                off += n
            }
            return true
        }
    }

    private func readRequest(_ fd: Int32, _ buffer: inout Data) -> Request? {
        func fill() -> Bool {
            var chunk = [UInt8](repeating: 0, count: 65536)
            let n = recv(fd, &chunk, chunk.count, 0)
            if n <= 0 { return false }
            buffer.append(contentsOf: chunk[0..<n])
            return true
        }
        let sep = Data("\r\n\r\n".utf8)
        while buffer.range(of: sep) == nil { if !fill() { return nil } }
        let end = buffer.range(of: sep)!
        let head = String(decoding: buffer[buffer.startIndex..<end.lowerBound], as: UTF8.self)
        buffer = Data(buffer[end.upperBound...])
        var lines = head.components(separatedBy: "\r\n")
        let first = lines.removeFirst().split(separator: " ")
        var headers: [String: String] = [:]
        for l in lines { if let c = l.firstIndex(of: ":") { headers[l[..<c].lowercased()] = l[l.index(after: c)...].trimmingCharacters(in: .whitespaces) } }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { if !fill() { return nil } }
        let body = Data(buffer.prefix(length))
        buffer = Data(buffer.dropFirst(length))
        return Request(method: String(first[0]), target: String(first[1]), headers: headers, body: body)
    }
}

/// Loads a recorded kube-apiserver response body from ../shared/k8s-api-transcripts.
func transcriptBody(_ file: String) throws -> Data {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    let url = root.deletingLastPathComponent().appendingPathComponent("shared/k8s-api-transcripts/\(file)")
    let text = try String(contentsOf: url, encoding: .utf8)
    guard let start = text.range(of: "\n\n", range: text.range(of: "<<<")!.upperBound..<text.endIndex) else { return Data() }
    return Data(text[start.upperBound...].utf8)
}

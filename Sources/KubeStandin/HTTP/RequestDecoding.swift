import Foundation
import NIOCore
import NIOHTTP1

/// Turns an aggregated HTTP/1.1 request into the core's `StandinRequest`.
///
/// Guarantees: the path and every query name and value are percent-decoded (`+` stays a
/// literal plus, as Kubernetes clients percent-encode spaces); a repeated query name keeps its
/// last value; header names are lower-cased (a repeated header keeps its last value); a
/// malformed escape is kept verbatim rather than rejected.
enum RequestDecoding {
    static func decode(head: HTTPRequestHead, body: ByteBuffer?, user: String? = nil) -> StandinRequest {
        let (path, query) = splitTarget(head.uri)
        var headers: [String: String] = [:]
        for (name, value) in head.headers { headers[name.lowercased()] = value }
        var data = Data()
        if var body, body.readableBytes > 0 { data = body.readData(length: body.readableBytes) ?? Data() }
        return StandinRequest(method: head.method.rawValue, path: path, query: query, headers: headers, body: data, user: user)
    }

    /// Splits a request target into its decoded path and query parameters.
    static func splitTarget(_ uri: String) -> (String, [String: String]) {
        let pieces = uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let rawPath = pieces.first.map(String.init) ?? "/"
        var query: [String: String] = [:]
        if pieces.count > 1 {
            for pair in pieces[1].split(separator: "&") where !pair.isEmpty {
                let kv = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = percentDecode(String(kv[0]))
                query[name] = kv.count > 1 ? percentDecode(String(kv[1])) : ""
            }
        }
        return (percentDecode(rawPath.isEmpty ? "/" : rawPath), query)
    }

    static func percentDecode(_ s: String) -> String {
        s.removingPercentEncoding ?? s
    }
}

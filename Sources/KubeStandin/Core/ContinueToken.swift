import Foundation
import KubeModel

/// The list continue token as kube-apiserver encodes it: unpadded base64url of
/// `{"v":"meta.k8s.io/v1","rv":N,"start":"<next key>\u0000"}` (transcript 17).
struct ContinueToken: Sendable, Equatable {
    var resourceVersion: Int64
    /// The key to resume at (inclusive): `name`, or `namespace/name` on cross-namespace lists.
    var start: String

    func encoded() -> String {
        var out = [UInt8]()
        out.append(contentsOf: Array(#"{"v":"meta.k8s.io/v1","rv":"#.utf8))
        out.append(contentsOf: Array(String(resourceVersion).utf8))
        out.append(contentsOf: Array(#","start":"#.utf8))
        JSONWire.writeString(start + "\u{0}", into: &out)
        out.append(UInt8(ascii: "}"))
        return Data(out).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// Decodes a token; nil when it is not one this server could have issued.
    init?(decoding token: String) {
        var b64 = token.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while b64.count % 4 != 0 { b64.append("=") }
        guard let data = Data(base64Encoded: b64),
              let obj = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              obj["v"] as? String == "meta.k8s.io/v1",
              let rv = (obj["rv"] as? NSNumber)?.int64Value,
              var start = obj["start"] as? String else { return nil }
        if start.hasSuffix("\u{0}") { start.removeLast() }
        self.resourceVersion = rv
        self.start = start
    }

    init(resourceVersion: Int64, start: String) {
        self.resourceVersion = resourceVersion
        self.start = start
    }
}

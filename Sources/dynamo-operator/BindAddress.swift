/// A `host:port` listen address as controller-runtime's flags spell it: `:8080` (all
/// interfaces), `127.0.0.1:8080`, `[::1]:8080`, or `0` (disabled).
struct BindAddress: Equatable, Sendable, CustomStringConvertible {
    /// Listen on every interface when the host part is empty.
    static let anyHost = "0.0.0.0"

    var host: String
    var port: Int

    /// nil for `0` (disabled); throws for anything that is not `[host]:port` with a port in 1…65535.
    static func parse(_ text: String) throws -> BindAddress? {
        if text == "0" { return nil }
        guard let colon = text.lastIndex(of: ":") else { throw Invalid(text: text) }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard let port = Int(text[text.index(after: colon)...]), (1...65535).contains(port) else { throw Invalid(text: text) }
        return BindAddress(host: host.isEmpty ? anyHost : host, port: port)
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }

    struct Invalid: Error, CustomStringConvertible {
        var text: String
        var description: String { "invalid bind address \"\(text)\": expected [host]:port (e.g. :8080) or 0 to disable" }
    }
}

import Foundation

/// Where a server listens, parsed like controller-runtime's `--metrics-bind-address` and
/// `--health-probe-bind-address`.
///
/// Guarantees: `"0"` and `""` parse to `.disabled`; `":8080"` listens on every interface;
/// `"127.0.0.1:8080"`, `"localhost:8080"` and `"[::1]:8080"` on that host; port 0 asks the
/// kernel for a free port. Anything else is rejected with a message naming the input.
public enum BindAddress: Sendable, Equatable {
    case disabled
    case listen(host: String, port: Int)

    /// Host used for `":port"`: every IPv4 interface, as Go's listener does for the pod's IP.
    public static let allInterfaces = "0.0.0.0"

    public init(parsing text: String) throws {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.isEmpty || text == "0" {
            self = .disabled
            return
        }
        guard let colon = text.lastIndex(of: ":") else { throw BindAddressError.invalid(text, "expected host:port or :port") }
        var host = String(text[..<colon])
        let portText = text[text.index(after: colon)...]
        guard let port = Int(portText), (0...65_535).contains(port) else {
            throw BindAddressError.invalid(text, "port must be a number from 0 to 65535")
        }
        if host.hasPrefix("[") {
            guard host.hasSuffix("]"), host.count > 2 else { throw BindAddressError.invalid(text, "unclosed IPv6 bracket") }
            host = String(host.dropFirst().dropLast())
        } else if host.contains(":") {
            throw BindAddressError.invalid(text, "an IPv6 host must be written in brackets, e.g. [::1]:8080")
        }
        self = .listen(host: host.isEmpty ? Self.allInterfaces : host, port: port)
    }
}

public enum BindAddressError: Error, Equatable, CustomStringConvertible {
    case invalid(String, String)
    public var description: String {
        switch self {
        case .invalid(let text, let why): return "invalid bind address \"\(text)\": \(why)"
        }
    }
}

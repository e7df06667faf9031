/// A Kubernetes resource quantity (`500m`, `2`, `16Gi`) as written by the user.
///
/// Decodes from a JSON/YAML string or number (YAML `cpu: 0.5` arrives as a number) and always
/// encodes as a string. `canonical` gives the spelling the API server prints back.
public struct Quantity: Codable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public var text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral value: String) { self.text = value }

    public init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let s = try? c.decode(String.self) {
            text = s
        } else if let i = try? c.decode(Int64.self) {
            text = String(i)
        } else if let d = try? c.decode(Double.self) {
            text = Quantity.format(d)
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "a quantity must be a string or a number")
        }
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(text)
    }

    public var description: String { text }

    /// The parsed value, or `nil` when the text is not a Kubernetes quantity.
    public var parsed: ParsedQuantity? { ParsedQuantity(text) }

    /// The API server's spelling (`0.5` → `500m`, `1000m` → `1`, `1.5Gi` → `1536Mi`); the text
    /// unchanged when it does not parse.
    public var canonical: String { parsed?.canonical ?? text }

    static func format(_ d: Double) -> String {
        if d.rounded() == d, abs(d) < 9.0e15 { return String(Int64(d)) }
        return "\(d)"
    }
}

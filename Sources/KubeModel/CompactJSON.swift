import Foundation

/// A JSON value held as its compact, key-sorted text (`JSONWire`) instead of a `JSONValue` tree.
///
/// Caches hold thousands of pod templates and service specs that are read rarely and never
/// edited in place; as text they take about a sixth of the memory a tree of dictionaries does.
///
/// Guarantees: `value` returns a tree equal to the one stored (the text is produced and read
/// by the same wire format); equality and hashing are those of the canonical text, so two
/// values are equal exactly when their trees are; Codable reads and writes the nested JSON
/// value, not a string, so the wire form of the enclosing object is unchanged.
public struct CompactJSON: Sendable, Hashable, Codable {
    /// The compact UTF-8 text, sized exactly (no spare capacity kept alive by a cache).
    public let text: [UInt8]

    public init(_ value: JSONValue) {
        var out = [UInt8]()
        out.reserveCapacity(512)
        JSONWire.write(value, into: &out)
        text = [UInt8](unsafeUninitializedCapacity: out.count) { buffer, count in
            _ = buffer.initialize(from: out)
            count = out.count
        }
    }

    /// The tree, parsed from the text on every call: callers that need it repeatedly keep it.
    public var value: JSONValue { JSONParser.parse(bytes: text) ?? .null }

    public subscript(path path: [String]) -> JSONValue? { value[path: path] }

    public init(from decoder: Decoder) throws {
        self.init(try JSONValue(from: decoder))
    }

    public func encode(to encoder: Encoder) throws {
        try value.encode(to: encoder)
    }
}

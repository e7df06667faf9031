import Foundation

/// An untyped JSON document. Integers and floating-point numbers are kept apart so that
/// `resourceVersion`-like integers, replica counts and ports survive a round trip unchanged.
///
/// Object key order is not preserved (Kubernetes semantics never depend on it); encoding sorts
/// keys so output is deterministic.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])
}

extension JSONValue: Codable {
    public init(from decoder: Decoder) throws {
        if let tree = decoder as? JSONTreeDecoder {
            self = tree.node
            return
        }
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let i = try? c.decode(Int64.self) { self = .int(i); return }
        if let d = try? c.decode(Double.self) { self = .double(d); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        if let o = try? c.decode([String: JSONValue].self) { self = .object(o); return }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .int(let i): try c.encode(i)
        case .double(let d): try c.encode(d)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }
}

// Deliberately not ExpressibleByNilLiteral: it would make `dict[key] == nil` compare against `.null`.
extension JSONValue: ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int64) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(stringLiteral value: String) { self = .string(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue {
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    public var isNull: Bool { if case .null = self { return true }; return false }
    /// The value as an integer, also when it was written as a whole floating-point number.
    public var intValue: Int64? {
        switch self {
        case .int(let i): return i
        case .double(let d) where d.rounded() == d && abs(d) < 9.2e18: return Int64(d)
        default: return nil
        }
    }
    public var doubleValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        default: return nil
        }
    }

    /// Equality where numbers compare by value (`8000` and `8000.0` are the same port) and
    /// anything else by `==`; nested numbers are not normalized.
    public func sameValue(as other: JSONValue) -> Bool {
        if let x = doubleValue, let y = other.doubleValue { return x == y }
        return self == other
    }

    /// The JSON type name as Kubernetes error messages spell it.
    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .int: return "integer"
        case .double: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }

    /// Member access on objects; `nil` for missing keys and non-objects. Setting on a non-object
    /// turns it into an object; setting `nil` removes the key.
    public subscript(key: String) -> JSONValue? {
        get { objectValue?[key] }
        set {
            var o = objectValue ?? [:]
            o[key] = newValue
            self = .object(o)
        }
    }

    /// Nested member access by path, e.g. `value[path: ["metadata", "name"]]`.
    public subscript(path path: [String]) -> JSONValue? {
        get {
            var cur: JSONValue? = self
            for k in path { cur = cur?[k] }
            return cur
        }
        set {
            guard let first = path.first else { if let v = newValue { self = v }; return }
            var child = self[first] ?? .object([:])
            if path.count == 1 {
                self[first] = newValue
            } else {
                child[path: Array(path.dropFirst())] = newValue
                self[first] = child
            }
        }
    }
}

// MARK: - Conversion

public enum JSONCoding {
    /// Encoder with sorted keys, no slash escaping: deterministic, compact output.
    public static func encoder() -> JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }

    public static func decoder() -> JSONDecoder { JSONDecoder() }

    public static func encode<T: Encodable>(_ value: T) throws -> Data { try encoder().encode(value) }
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try decoder().decode(type, from: data)
    }
}

/// JSON text that could not be parsed.
public struct JSONSyntaxError: Error, CustomStringConvertible, Sendable {
    public var description: String
}

extension JSONValue {
    /// Parses any JSON text (RFC 8259) with the byte-level `JSONParser`.
    public init(data: Data) throws {
        guard let value = JSONParser.parse(data) else {
            let preview = String(decoding: data.prefix(80), as: UTF8.self)
            throw JSONSyntaxError(description: "not valid JSON (\(data.count) bytes, starting \(preview.debugDescription))")
        }
        self = value
    }

    /// Converts a Codable value to its JSON form.
    public init<T: Encodable>(encoding value: T) throws {
        self = try JSONTreeEncoder.encode(value)
    }

    /// Converts this JSON to a Codable type, reading the tree directly (fields declared
    /// `JSONValue` receive their subtree as is).
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONTreeDecoder.decode(type, from: self, at: .root)
    }

    /// Decodes a Codable type from JSON text: parsed once, then read from the tree.
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONValue(data: data).decode(as: type)
    }

    /// Compact, key-sorted JSON text (`JSONWire`).
    public func data() throws -> Data { JSONWire.encode(self) }

    /// Compact, key-sorted JSON text as a String.
    public func jsonString() -> String {
        (try? data()).flatMap { String(data: $0, encoding: .utf8) } ?? "null"
    }
}

import Foundation

/// Decodes `Decodable` types straight from a `JSONValue` tree, without writing it back to text.
///
/// Why: `JSONDecoder` cannot say which JSON type a value has, so `JSONValue.init(from:)` would try
/// each type in turn, and every failed try builds an error with its coding path; for the pod
/// templates the operator keeps untyped, that made decoding a 10 KB Deployment cost milliseconds.
/// Here a field declared `JSONValue` receives its subtree as is.
///
/// Guarantees: the same results as `JSONDecoder` with default strategies for the types the
/// project decodes (integers accept integral doubles, doubles accept integers, a missing key and
/// `null` both decode as nil for optionals); type mismatches throw `DecodingError` with the
/// coding path.
struct JSONTreeDecoder: Decoder {
    let node: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: JSONValue, codingPath: [any CodingKey] = []) {
        self.node = node
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = node else { throw Self.mismatch([String: JSONValue].self, node, codingPath) }
        return KeyedDecodingContainer(Keyed<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = node else { throw Self.mismatch([JSONValue].self, node, codingPath) }
        return Unkeyed(array: array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(node: node, codingPath: codingPath) }

    /// Decodes `T` from `node`: a `JSONValue` is the node itself.
    static func decode<T: Decodable>(_ type: T.Type, from node: JSONValue, codingPath: [any CodingKey]) throws -> T {
        if T.self == JSONValue.self { return node as! T }
        return try T(from: JSONTreeDecoder(node, codingPath: codingPath))
    }

    // MARK: - Scalars

    static func scalar<T>(_ type: T.Type, _ node: JSONValue, _ path: [any CodingKey]) throws -> T {
        switch type {
        case is String.Type:
            if case .string(let s) = node { return s as! T }
        case is Bool.Type:
            if case .bool(let b) = node { return b as! T }
        case is Double.Type:
            if let d = node.doubleValue { return d as! T }
        case is Float.Type:
            if let d = node.doubleValue { return Float(d) as! T }
        default:
            break
        }
        throw mismatch(type, node, path)
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ node: JSONValue, _ path: [any CodingKey]) throws -> T {
        switch node {
        case .int(let i):
            if let v = T(exactly: i) { return v }
        case .double(let d):
            if let v = T(exactly: d) { return v }
        default:
            break
        }
        throw mismatch(type, node, path)
    }

    static func mismatch(_ type: Any.Type, _ node: JSONValue, _ path: [any CodingKey]) -> DecodingError {
        if node.isNull {
            return .valueNotFound(type, .init(codingPath: path, debugDescription: "Expected \(type) value but found null instead."))
        }
        return .typeMismatch(type, .init(codingPath: path, debugDescription: "Expected to decode \(type) but found \(node.typeName) instead."))
    }

    // MARK: - Containers

    struct Keyed<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let object: [String: JSONValue]
        let codingPath: [any CodingKey]

        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        func child(_ key: Key) throws -> JSONValue {
            guard let v = object[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
            }
            return v
        }

        func decodeNil(forKey key: Key) throws -> Bool { object[key.stringValue]?.isNull ?? true }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try scalar(type, child(key), codingPath + [key]) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try scalar(type, child(key), codingPath + [key]) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try scalar(type, child(key), codingPath + [key]) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try scalar(type, child(key), codingPath + [key]) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, child(key), codingPath + [key]) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, child(key), codingPath + [key]) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try JSONTreeDecoder.decode(type, from: child(key), codingPath: codingPath + [key])
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONTreeDecoder(child(key), codingPath: codingPath + [key]).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONTreeDecoder(child(key), codingPath: codingPath + [key]).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder { JSONTreeDecoder(object["super"] ?? .null, codingPath: codingPath) }
        func superDecoder(forKey key: Key) throws -> any Decoder { JSONTreeDecoder(object[key.stringValue] ?? .null, codingPath: codingPath + [key]) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let array: [JSONValue]
        let codingPath: [any CodingKey]
        var currentIndex = 0

        init(array: [JSONValue], codingPath: [any CodingKey]) {
            self.array = array
            self.codingPath = codingPath
        }

        var count: Int? { array.count }
        var isAtEnd: Bool { currentIndex >= array.count }

        struct Index: CodingKey {
            var intValue: Int?
            var stringValue: String { "Index \(intValue ?? 0)" }
            init(_ i: Int) { intValue = i }
            init?(stringValue: String) { nil }
            init?(intValue: Int) { self.intValue = intValue }
        }

        mutating func next() throws -> (JSONValue, [any CodingKey]) {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end."))
            }
            defer { currentIndex += 1 }
            return (array[currentIndex], codingPath + [Index(currentIndex)])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, array[currentIndex].isNull else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool { let (v, p) = try next(); return try scalar(type, v, p) }
        mutating func decode(_ type: String.Type) throws -> String { let (v, p) = try next(); return try scalar(type, v, p) }
        mutating func decode(_ type: Double.Type) throws -> Double { let (v, p) = try next(); return try scalar(type, v, p) }
        mutating func decode(_ type: Float.Type) throws -> Float { let (v, p) = try next(); return try scalar(type, v, p) }
        mutating func decode(_ type: Int.Type) throws -> Int { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let (v, p) = try next(); return try integer(type, v, p) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (v, p) = try next()
            return try JSONTreeDecoder.decode(type, from: v, codingPath: p)
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let (v, p) = try next()
            return try JSONTreeDecoder(v, codingPath: p).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (v, p) = try next()
            return try JSONTreeDecoder(v, codingPath: p).unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder {
            let (v, p) = try next()
            return JSONTreeDecoder(v, codingPath: p)
        }
    }

    struct Single: SingleValueDecodingContainer {
        let node: JSONValue
        let codingPath: [any CodingKey]

        func decodeNil() -> Bool { node.isNull }
        func decode(_ type: Bool.Type) throws -> Bool { try scalar(type, node, codingPath) }
        func decode(_ type: String.Type) throws -> String { try scalar(type, node, codingPath) }
        func decode(_ type: Double.Type) throws -> Double { try scalar(type, node, codingPath) }
        func decode(_ type: Float.Type) throws -> Float { try scalar(type, node, codingPath) }
        func decode(_ type: Int.Type) throws -> Int { try integer(type, node, codingPath) }
        func decode(_ type: Int8.Type) throws -> Int8 { try integer(type, node, codingPath) }
        func decode(_ type: Int16.Type) throws -> Int16 { try integer(type, node, codingPath) }
        func decode(_ type: Int32.Type) throws -> Int32 { try integer(type, node, codingPath) }
        func decode(_ type: Int64.Type) throws -> Int64 { try integer(type, node, codingPath) }
        func decode(_ type: UInt.Type) throws -> UInt { try integer(type, node, codingPath) }
        func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(type, node, codingPath) }
        func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(type, node, codingPath) }
        func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(type, node, codingPath) }
        func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(type, node, codingPath) }
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONTreeDecoder.decode(type, from: node, codingPath: codingPath) }
    }
}

import Foundation

/// Decodes `Decodable` types straight from a `JSONValue` tree, without writing it back to text.
///
/// Why: `JSONDecoder` cannot say which JSON type a value has, so `JSONValue.init(from:)` would try
/// each type in turn, and every failed try builds an error with its coding path; for the pod
/// templates the operator keeps untyped, that made decoding a 10 KB Deployment cost milliseconds.
/// Here a field declared `JSONValue` receives its subtree as is. Every watch event the operator
/// receives is decoded here, so the coding path is kept as links (`CodingPathNode`) and optional
/// fields are looked up once.
///
/// Guarantees: the same results as `JSONDecoder` with default strategies for the types the
/// project decodes (integers accept integral doubles, doubles accept integers, a missing key and
/// `null` both decode as nil for optionals); type mismatches throw `DecodingError` with the
/// coding path.
struct JSONTreeDecoder: Decoder {
    let node: JSONValue
    let at: CodingPathNode
    var codingPath: [any CodingKey] { at.path }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ node: JSONValue, at: CodingPathNode = .root) {
        self.node = node
        self.at = at
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let object) = node else { throw Self.mismatch([String: JSONValue].self, node, codingPath) }
        return KeyedDecodingContainer(Keyed<Key>(object: object, at: at))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let array) = node else { throw Self.mismatch([JSONValue].self, node, codingPath) }
        return Unkeyed(array: array, at: at)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { Single(node: node, at: at) }

    /// Decodes `T` from `node`: a `JSONValue` is the node itself (and needs no path link).
    static func decode<T: Decodable>(_ type: T.Type, from node: JSONValue, at: @autoclosure () -> CodingPathNode) throws -> T {
        if T.self == JSONValue.self { return node as! T }
        // Labels, annotations, env maps and string lists are in every object: built straight from
        // the tree they skip the generic keyed/unkeyed containers (and their metadata lookups),
        // which cost most of a decode. Anything else, or a mistyped member, takes the generic path,
        // so errors are the same.
        if T.self == [String: String].self, let map = stringMap(node) { return unsafeBitCast(map, to: T.self) }
        if T.self == [String].self, let list = stringList(node) { return unsafeBitCast(list, to: T.self) }
        return try T(from: JSONTreeDecoder(node, at: at()))
    }

    static func stringMap(_ node: JSONValue) -> [String: String]? {
        guard case .object(let object) = node else { return nil }
        var map = [String: String](minimumCapacity: object.count)
        for (key, value) in object {
            guard case .string(let s) = value else { return nil }
            map[key] = s
        }
        return map
    }

    static func stringList(_ node: JSONValue) -> [String]? {
        guard case .array(let array) = node else { return nil }
        var list = [String]()
        list.reserveCapacity(array.count)
        for value in array {
            guard case .string(let s) = value else { return nil }
            list.append(s)
        }
        return list
    }

    // MARK: - Scalars

    static func string(_ node: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> String {
        if case .string(let s) = node { return s }
        throw mismatch(String.self, node, path())
    }

    static func bool(_ node: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Bool {
        if case .bool(let b) = node { return b }
        throw mismatch(Bool.self, node, path())
    }

    static func double(_ node: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> Double {
        if let d = node.doubleValue { return d }
        throw mismatch(Double.self, node, path())
    }

    static func integer<T: FixedWidthInteger>(_ type: T.Type, _ node: JSONValue, _ path: @autoclosure () -> [any CodingKey]) throws -> T {
        switch node {
        case .int(let i):
            if let v = T(exactly: i) { return v }
        case .double(let d):
            if let v = T(exactly: d) { return v }
        default:
            break
        }
        throw mismatch(type, node, path())
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
        let at: CodingPathNode
        var codingPath: [any CodingKey] { at.path }

        var allKeys: [Key] { object.keys.compactMap { Key(stringValue: $0) } }
        func contains(_ key: Key) -> Bool { object[key.stringValue] != nil }

        func child(_ key: Key) throws -> JSONValue {
            guard let v = object[key.stringValue] else {
                throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "No value associated with key \(key.stringValue)."))
            }
            return v
        }

        /// The value at `key`, nil when missing or `null` (one lookup: what optionals decode from).
        func present(_ key: Key) -> JSONValue? {
            guard let v = object[key.stringValue], !v.isNull else { return nil }
            return v
        }

        func path(_ key: Key) -> [any CodingKey] { at.appending(key).path }

        func decodeNil(forKey key: Key) throws -> Bool { object[key.stringValue]?.isNull ?? true }
        func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try bool(child(key), path(key)) }
        func decode(_ type: String.Type, forKey key: Key) throws -> String { try string(child(key), path(key)) }
        func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try double(child(key), path(key)) }
        func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try double(child(key), path(key))) }
        func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try integer(type, child(key), path(key)) }
        func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try integer(type, child(key), path(key)) }
        func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try integer(type, child(key), path(key)) }
        func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try integer(type, child(key), path(key)) }
        func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try integer(type, child(key), path(key)) }
        func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try integer(type, child(key), path(key)) }
        func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try integer(type, child(key), path(key)) }
        func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try integer(type, child(key), path(key)) }
        func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try integer(type, child(key), path(key)) }
        func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try integer(type, child(key), path(key)) }
        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
            try JSONTreeDecoder.decode(type, from: child(key), at: at.appending(key))
        }

        func decodeIfPresent(_ type: Bool.Type, forKey key: Key) throws -> Bool? { try present(key).map { try bool($0, path(key)) } }
        func decodeIfPresent(_ type: String.Type, forKey key: Key) throws -> String? { try present(key).map { try string($0, path(key)) } }
        func decodeIfPresent(_ type: Double.Type, forKey key: Key) throws -> Double? { try present(key).map { try double($0, path(key)) } }
        func decodeIfPresent(_ type: Int.Type, forKey key: Key) throws -> Int? { try present(key).map { try integer(type, $0, path(key)) } }
        func decodeIfPresent(_ type: Int32.Type, forKey key: Key) throws -> Int32? { try present(key).map { try integer(type, $0, path(key)) } }
        func decodeIfPresent(_ type: Int64.Type, forKey key: Key) throws -> Int64? { try present(key).map { try integer(type, $0, path(key)) } }
        func decodeIfPresent<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T? {
            try present(key).map { try JSONTreeDecoder.decode(type, from: $0, at: at.appending(key)) }
        }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try JSONTreeDecoder(child(key), at: at.appending(key)).container(keyedBy: type)
        }
        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try JSONTreeDecoder(child(key), at: at.appending(key)).unkeyedContainer()
        }
        func superDecoder() throws -> any Decoder { JSONTreeDecoder(object["super"] ?? .null, at: at) }
        func superDecoder(forKey key: Key) throws -> any Decoder { JSONTreeDecoder(object[key.stringValue] ?? .null, at: at.appending(key)) }
    }

    struct Unkeyed: UnkeyedDecodingContainer {
        let array: [JSONValue]
        let at: CodingPathNode
        var codingPath: [any CodingKey] { at.path }
        var currentIndex = 0

        init(array: [JSONValue], at: CodingPathNode) {
            self.array = array
            self.at = at
        }

        var count: Int? { array.count }
        var isAtEnd: Bool { currentIndex >= array.count }

        /// The next element and its index.
        mutating func next() throws -> (JSONValue, Int) {
            guard !isAtEnd else {
                throw DecodingError.valueNotFound(JSONValue.self, .init(codingPath: codingPath, debugDescription: "Unkeyed container is at end."))
            }
            defer { currentIndex += 1 }
            return (array[currentIndex], currentIndex)
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, array[currentIndex].isNull else { return false }
            currentIndex += 1
            return true
        }
        mutating func decode(_ type: Bool.Type) throws -> Bool { let (v, i) = try next(); return try bool(v, at.appending(index: i).path) }
        mutating func decode(_ type: String.Type) throws -> String { let (v, i) = try next(); return try string(v, at.appending(index: i).path) }
        mutating func decode(_ type: Double.Type) throws -> Double { let (v, i) = try next(); return try double(v, at.appending(index: i).path) }
        mutating func decode(_ type: Float.Type) throws -> Float { let (v, i) = try next(); return Float(try double(v, at.appending(index: i).path)) }
        mutating func decode(_ type: Int.Type) throws -> Int { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: Int8.Type) throws -> Int8 { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: Int16.Type) throws -> Int16 { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: Int32.Type) throws -> Int32 { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: Int64.Type) throws -> Int64 { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: UInt.Type) throws -> UInt { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: UInt8.Type) throws -> UInt8 { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: UInt16.Type) throws -> UInt16 { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: UInt32.Type) throws -> UInt32 { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode(_ type: UInt64.Type) throws -> UInt64 { let (v, i) = try next(); return try integer(type, v, at.appending(index: i).path) }
        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
            let (v, i) = try next()
            return try JSONTreeDecoder.decode(type, from: v, at: at.appending(index: i))
        }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            let (v, i) = try next()
            return try JSONTreeDecoder(v, at: at.appending(index: i)).container(keyedBy: type)
        }
        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
            let (v, i) = try next()
            return try JSONTreeDecoder(v, at: at.appending(index: i)).unkeyedContainer()
        }
        mutating func superDecoder() throws -> any Decoder {
            let (v, i) = try next()
            return JSONTreeDecoder(v, at: at.appending(index: i))
        }
    }

    struct Single: SingleValueDecodingContainer {
        let node: JSONValue
        let at: CodingPathNode
        var codingPath: [any CodingKey] { at.path }

        func decodeNil() -> Bool { node.isNull }
        func decode(_ type: Bool.Type) throws -> Bool { try bool(node, codingPath) }
        func decode(_ type: String.Type) throws -> String { try string(node, codingPath) }
        func decode(_ type: Double.Type) throws -> Double { try double(node, codingPath) }
        func decode(_ type: Float.Type) throws -> Float { Float(try double(node, codingPath)) }
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
        func decode<T: Decodable>(_ type: T.Type) throws -> T { try JSONTreeDecoder.decode(type, from: node, at: at) }
    }
}

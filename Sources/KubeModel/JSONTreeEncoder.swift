import Foundation

/// Encodes `Encodable` values straight into a `JSONValue` tree, without text in between.
///
/// Why: `JSONValue(encoding:)` ran `JSONEncoder` and parsed its output back; the operator does
/// that for every status write and every Event, and for each cached child it compares.
///
/// Guarantees: the tree equals what `JSONEncoder` (default strategies) followed by `JSONParser`
/// gives for the same value: optionals encoded with `encodeIfPresent` leave their key out,
/// integral doubles that `JSONEncoder` prints without a fraction become `.int`, `Data` is base64,
/// `URL` its absolute string, and non-finite doubles throw `EncodingError.invalidValue` as
/// `JSONEncoder` does. `JSONValue` and `CompactJSON` fields are taken as they are.
enum JSONTreeEncoder {
    static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
        try encodeValue(value, at: .root)
    }

    static func number(_ d: Double, _ path: @autoclosure () -> [any CodingKey]) throws -> JSONValue {
        guard d.isFinite else {
            throw EncodingError.invalidValue(d, .init(codingPath: path(), debugDescription: "Unable to encode \(d) directly in JSON."))
        }
        return JSONWire.integral(d).map(JSONValue.int) ?? .double(d)
    }

    /// `value` as a tree; `at` (where it sits) is only built for errors and nested encoders.
    static func encodeValue<T: Encodable>(_ value: T, at: @autoclosure () -> CodingPathNode) throws -> JSONValue {
        switch value {
        case let v as JSONValue: return v
        case let v as CompactJSON: return v.value
        case let v as String: return .string(v)
        case let v as Bool: return .bool(v)
        case let v as Int: return .int(Int64(v))
        case let v as Int64: return .int(v)
        case let v as Int32: return .int(Int64(v))
        case let v as Double: return try number(v, at().path)
        case let v as Float: return try number(Double(v), at().path)
        case let v as any FixedWidthInteger:
            if let i = Int64(exactly: v) { return .int(i) }
            return .double(Double(v))
        case let v as Data: return .string(v.base64EncodedString())
        case let v as URL: return .string(v.absoluteString)
        default:
            let node = Node()
            try value.encode(to: TreeEncoder(node: node, at: at()))
            return node.materialize()
        }
    }

    /// What an encoder or container writes into; nested containers are nodes of their own,
    /// turned into values once the outermost `encode(to:)` has returned.
    final class Node {
        enum Item {
            case value(JSONValue)
            case node(Node)
            var materialized: JSONValue {
                switch self {
                case .value(let v): return v
                case .node(let n): return n.materialize()
                }
            }
        }
        enum Content {
            case empty
            case single(JSONValue)
            case object([String: Item])
            case array([Item])
        }
        var content = Content.empty

        func materialize() -> JSONValue {
            switch content {
            case .empty: return .object([:])
            case .single(let v): return v
            case .object(let items): return .object(items.mapValues(\.materialized))
            case .array(let items): return .array(items.map(\.materialized))
            }
        }

        func set(_ item: Item, forKey key: String) {
            if case .object(var items) = content {
                content = .empty
                items[key] = item
                content = .object(items)
            } else {
                content = .object([key: item])
            }
        }

        func append(_ item: Item) {
            if case .array(var items) = content {
                content = .empty
                items.append(item)
                content = .array(items)
            } else {
                content = .array([item])
            }
        }

        func makeObject() { if case .object = content {} else { content = .object([:]) } }
        func makeArray() { if case .array = content {} else { content = .array([]) } }
        var arrayCount: Int { if case .array(let a) = content { return a.count }; return 0 }
    }

    struct TreeEncoder: Encoder {
        let node: Node
        let at: CodingPathNode
        var codingPath: [any CodingKey] { at.path }
        var userInfo: [CodingUserInfoKey: Any] { [:] }

        func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
            node.makeObject()
            return KeyedEncodingContainer(Keyed<Key>(node: node, at: at))
        }

        func unkeyedContainer() -> any UnkeyedEncodingContainer {
            node.makeArray()
            return Unkeyed(node: node, at: at)
        }

        func singleValueContainer() -> any SingleValueEncodingContainer { Single(node: node, at: at) }
    }

    struct Keyed<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let node: Node
        let at: CodingPathNode
        var codingPath: [any CodingKey] { at.path }

        mutating func encodeNil(forKey key: Key) throws { node.set(.value(.null), forKey: key.stringValue) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            node.set(.value(try JSONTreeEncoder.encodeValue(value, at: at.appending(key))), forKey: key.stringValue)
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            child.makeObject()
            node.set(.node(child), forKey: key.stringValue)
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, at: at.appending(key)))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let child = Node()
            child.makeArray()
            node.set(.node(child), forKey: key.stringValue)
            return Unkeyed(node: child, at: at.appending(key))
        }
        mutating func superEncoder() -> any Encoder { superEncoder(named: "super") }
        mutating func superEncoder(forKey key: Key) -> any Encoder { superEncoder(named: key.stringValue, key) }
        private func superEncoder(named name: String, _ key: (any CodingKey)? = nil) -> any Encoder {
            let child = Node()
            node.set(.node(child), forKey: name)
            return TreeEncoder(node: child, at: key.map(at.appending) ?? at)
        }
    }

    struct Unkeyed: UnkeyedEncodingContainer {
        let node: Node
        let at: CodingPathNode
        var codingPath: [any CodingKey] { at.path }
        var count: Int { node.arrayCount }

        mutating func encodeNil() throws { node.append(.value(.null)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            node.append(.value(try JSONTreeEncoder.encodeValue(value, at: at.appending(index: count))))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let child = Node()
            child.makeObject()
            let path = at.appending(index: count)
            node.append(.node(child))
            return KeyedEncodingContainer(Keyed<NestedKey>(node: child, at: path))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let child = Node()
            child.makeArray()
            let path = at.appending(index: count)
            node.append(.node(child))
            return Unkeyed(node: child, at: path)
        }
        mutating func superEncoder() -> any Encoder {
            let child = Node()
            let path = at.appending(index: count)
            node.append(.node(child))
            return TreeEncoder(node: child, at: path)
        }
    }

    struct Single: SingleValueEncodingContainer {
        let node: Node
        let at: CodingPathNode
        var codingPath: [any CodingKey] { at.path }

        mutating func encodeNil() throws { node.content = .single(.null) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            node.content = .single(try JSONTreeEncoder.encodeValue(value, at: at))
        }
    }
}

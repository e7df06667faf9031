import KubeModel
import Yams

/// Writes JSON values as YAML with a stable, readable key order: the Kubernetes envelope keys
/// first (`apiVersion`, `kind`, `metadata`, `name`, …), then the rest alphabetically. Strings that
/// would read back as another type are quoted. Same input, byte-identical output.
public enum YAMLWriter {
    static let leadingKeys = ["apiVersion", "kind", "metadata", "name", "namespace", "spec", "status"]

    public static func document(_ value: JSONValue) throws -> String {
        try Yams.serialize(node: node(value), width: -1, allowUnicode: true, sortKeys: false)
    }

    /// Several documents separated by `---`.
    public static func documents(_ values: [JSONValue]) throws -> String {
        try values.map { try document($0) }.joined(separator: "---\n")
    }

    static func orderedKeys(_ keys: some Collection<String>) -> [String] {
        let lead = leadingKeys.filter { keys.contains($0) }
        return lead + keys.filter { !leadingKeys.contains($0) }.sorted()
    }

    static func node(_ v: JSONValue) -> Node {
        switch v {
        case .null: return Node("null", Tag(.null))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .int(let i): return Node(String(i), Tag(.int))
        case .double(let d): return Node(Quantity.format(d), Tag(.float))
        case .string(let s): return Node(s.represented().string, Tag(.str), s.represented().style)
        case .array(let a): return .sequence(Node.Sequence(a.map(node)))
        case .object(let o):
            return .mapping(Node.Mapping(orderedKeys(o.keys).map { (Node($0), node(o[$0]!)) }))
        }
    }
}

/// An ordered YAML mapping for hand-laid-out documents (the CRD), where readability needs a
/// key order other than alphabetical.
public indirect enum OrderedYAML: Sendable {
    case map([(String, OrderedYAML)])
    case list([OrderedYAML])
    case string(String)
    case int(Int)
    case bool(Bool)
    case json(JSONValue)

    var node: Node {
        switch self {
        case .map(let pairs): return .mapping(Node.Mapping(pairs.map { (Node($0.0), $0.1.node) }))
        case .list(let items): return .sequence(Node.Sequence(items.map(\.node)))
        case .string(let s): return YAMLWriter.node(.string(s))
        case .int(let i): return Node(String(i), Tag(.int))
        case .bool(let b): return Node(b ? "true" : "false", Tag(.bool))
        case .json(let j): return YAMLWriter.node(j)
        }
    }

    public func text() throws -> String {
        try Yams.serialize(node: node, width: -1, allowUnicode: true, sortKeys: false)
    }
}

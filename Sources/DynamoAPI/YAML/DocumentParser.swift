import KubeModel
import Yams

/// Parses YAML text (one or more `---`-separated documents, anchors, aliases and `<<` merge keys
/// allowed) into JSON values. Timestamps stay strings; empty documents are skipped.
public enum DocumentParser {
    public struct ParseError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// YAML 1.1 core scalars without timestamps (a version like 2024-01-01 must stay a string).
    static let resolver = Resolver.default.removing(.timestamp).removing(.value)

    public static func parseDocuments(_ text: String) throws -> [JSONValue] {
        do {
            var out: [JSONValue] = []
            // The sequence stops at a syntax error and keeps it in `error`.
            var documents = try Yams.compose_all(yaml: text, resolver)
            while let node = documents.next() {
                let v = try convert(node)
                if !v.isNull { out.append(v) }
            }
            if let error = documents.error { throw error }
            return out
        } catch let e as ParseError {
            throw e
        } catch {
            throw ParseError(description: "invalid YAML: \(error)")
        }
    }

    static func convert(_ node: Node) throws -> JSONValue {
        switch node {
        case .alias:
            throw ParseError(description: "unresolved YAML alias")
        case .scalar(let s):
            switch Tag.Name(rawValue: node.tag.rawValue) {
            case .null: return .null
            case .bool: return node.bool.map(JSONValue.bool) ?? .string(s.string)
            case .int: return node.int.map { .int(Int64($0)) } ?? .string(s.string)
            case .float:
                guard let d = node.float, d.isFinite else { return .string(s.string) }
                return .double(d)
            default: return .string(s.string)
            }
        case .sequence(let seq):
            return .array(try seq.map(convert))
        case .mapping(let map):
            var out: [String: JSONValue] = [:]
            var merged: [String: JSONValue] = [:]
            for (k, v) in map {
                if k.tag.rawValue == Tag.Name.merge.rawValue {
                    // `<<: *anchor` or `<<: [*a, *b]`: earlier sources win, explicit keys win over all.
                    let sources: [JSONValue] = try {
                        if case .sequence(let s) = v { return try s.map(convert) }
                        return [try convert(v)]
                    }()
                    for src in sources {
                        guard let o = src.objectValue else { throw ParseError(description: "a << merge key needs a mapping") }
                        for (mk, mv) in o where merged[mk] == nil { merged[mk] = mv }
                    }
                    continue
                }
                guard let key = k.scalar?.string else { throw ParseError(description: "mapping keys must be scalars") }
                out[key] = try convert(v)
            }
            for (mk, mv) in merged where out[mk] == nil { out[mk] = mv }
            return .object(out)
        }
    }
}

import Foundation
import KubeModel

/// A patch document that cannot be applied (bad JSON pointer, failed `test` op, wrong types).
/// `message` follows the wording of the JSON-patch library kube-apiserver uses
/// (github.com/evanphx/json-patch), e.g. `replace operation does not apply: doc is missing key: /spec/x: missing value`.
public struct PatchError: Error, Sendable, Equatable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

/// RFC 6902 JSON patch (`application/json-patch+json`) over `JSONValue`.
///
/// Guarantees: operations apply in order to a copy (the input is never half-patched: on error nothing
/// is returned); JSON pointers follow RFC 6901 (`~1` is `/`, `~0` is `~`, `-` appends to an array);
/// `add` on an existing object member replaces it, on an array index inserts; `add` never creates
/// missing parents; `test` compares with deep equality (an integer equals the same whole double).
public enum JSONPatch {
    /// RFC 6902: add, remove, replace, move, copy, test.
    public static func apply(_ operations: JSONValue, to document: JSONValue) throws(PatchError) -> JSONValue {
        guard case .array(let ops) = operations else {
            throw PatchError("json: cannot unmarshal \(operations.typeName) into Go value of type jsonpatch.Patch")
        }
        var doc = document
        for op in ops {
            guard case .object(let fields) = op else {
                throw PatchError("json: cannot unmarshal \(op.typeName) into Go value of type jsonpatch.Operation")
            }
            guard let name = fields["op"]?.stringValue else { throw PatchError("Unexpected kind: unknown") }
            switch name {
            case "add":
                let path = try pointer(fields, "path", op: name)
                try doc.patchAdd(path, try value(fields, op: name), op: name)
            case "remove":
                let path = try pointer(fields, "path", op: name)
                _ = try doc.patchRemove(path, op: name)
            case "replace":
                let path = try pointer(fields, "path", op: name)
                let new = try value(fields, op: name)
                guard doc.patchGet(path) != nil else {
                    throw PatchError("replace operation does not apply: doc is missing key: \(render(path)): missing value")
                }
                if path.isEmpty { doc = new } else {
                    _ = try doc.patchRemove(path, op: name)
                    try doc.patchAdd(path, new, op: name)
                }
            case "move":
                let from = try pointer(fields, "from", op: name)
                let path = try pointer(fields, "path", op: name)
                if path.starts(with: from) && path.count > from.count {
                    throw PatchError("move operation does not apply: from path cannot be a prefix of to path")
                }
                let moved = try doc.patchRemove(from, op: name)
                try doc.patchAdd(path, moved, op: name)
            case "copy":
                let from = try pointer(fields, "from", op: name)
                let path = try pointer(fields, "path", op: name)
                guard let copied = doc.patchGet(from) else {
                    throw PatchError("copy operation does not apply: doc is missing from path: \(render(from)): missing value")
                }
                try doc.patchAdd(path, copied, op: name)
            case "test":
                let path = try pointer(fields, "path", op: name)
                let expected = try value(fields, op: name)
                guard let actual = doc.patchGet(path), deepEqual(actual, expected) else {
                    throw PatchError("testing value \(render(path)) failed: test failed")
                }
            default:
                throw PatchError("Unexpected kind: \(name)")
            }
        }
        return doc
    }

    /// Parses an RFC 6901 pointer into unescaped reference tokens (`""` is the whole document).
    static func parsePointer(_ text: String) throws(PatchError) -> [String] {
        if text.isEmpty { return [] }
        guard text.hasPrefix("/") else { throw PatchError("JSON pointer must be empty or start with a \"/\": \(text)") }
        return text.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map {
            $0.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
        }
    }

    static func render(_ tokens: [String]) -> String {
        tokens.map { "/" + $0.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1") }.joined()
    }

    /// JSON equality where `1` and `1.0` are the same number.
    static func deepEqual(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.int, .double), (.double, .int): return a.doubleValue == b.doubleValue
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { deepEqual($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { deepEqual(v, $0) } ?? false }
        default: return a == b
        }
    }

    private static func pointer(_ fields: [String: JSONValue], _ key: String, op: String) throws(PatchError) -> [String] {
        guard let text = fields[key]?.stringValue else {
            throw PatchError("\(op) operation does not apply: doc is missing \(key) path")
        }
        return try parsePointer(text)
    }

    private static func value(_ fields: [String: JSONValue], op: String) throws(PatchError) -> JSONValue {
        guard let v = fields["value"] else { throw PatchError("\(op) operation does not apply: missing value") }
        return v
    }
}

extension JSONValue {
    /// The value a JSON pointer designates, nil when absent.
    func patchGet(_ path: [String]) -> JSONValue? {
        var cur = self
        for token in path {
            switch cur {
            case .object(let o):
                guard let next = o[token] else { return nil }
                cur = next
            case .array(let a):
                guard let i = JSONValue.arrayIndex(token, count: a.count, allowEnd: false) else { return nil }
                cur = a[i]
            default: return nil
            }
        }
        return cur
    }

    /// RFC 6902 `add`: sets an object member, inserts into an array (`-` appends); parents must exist.
    mutating func patchAdd(_ path: [String], _ value: JSONValue, op: String) throws(PatchError) {
        guard let token = path.first else { self = value; return }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var o):
            if rest.isEmpty {
                o[token] = value
            } else {
                guard var child = o[token] else {
                    throw PatchError("\(op) operation does not apply: doc is missing path: \"\(JSONPatch.render(path))\": missing value")
                }
                o[token] = nil
                try child.patchAdd(rest, value, op: op)
                o[token] = child
            }
            self = .object(o)
        case .array(var a):
            if rest.isEmpty {
                guard let i = JSONValue.arrayIndex(token, count: a.count, allowEnd: true) else {
                    throw PatchError("\(op) operation does not apply: doc is missing path: \"\(JSONPatch.render(path))\": missing value")
                }
                a.insert(value, at: i)
            } else {
                guard let i = JSONValue.arrayIndex(token, count: a.count, allowEnd: false) else {
                    throw PatchError("\(op) operation does not apply: doc is missing path: \"\(JSONPatch.render(path))\": missing value")
                }
                try a[i].patchAdd(rest, value, op: op)
            }
            self = .array(a)
        default:
            throw PatchError("\(op) operation does not apply: doc is missing path: \"\(JSONPatch.render(path))\": missing value")
        }
    }

    /// RFC 6902 `remove`: returns the removed value; the target must exist.
    mutating func patchRemove(_ path: [String], op: String) throws(PatchError) -> JSONValue {
        guard let token = path.first else {
            throw PatchError("\(op) operation does not apply: cannot remove the whole document")
        }
        let rest = Array(path.dropFirst())
        let missing = PatchError("\(op) operation does not apply: doc is missing key: \(JSONPatch.render(path)): missing value")
        switch self {
        case .object(var o):
            guard var child = o[token] else { throw missing }
            if rest.isEmpty {
                o[token] = nil
                self = .object(o)
                return child
            }
            let removed = try child.patchRemove(rest, op: op)
            o[token] = child
            self = .object(o)
            return removed
        case .array(var a):
            guard let i = JSONValue.arrayIndex(token, count: a.count, allowEnd: false) else { throw missing }
            if rest.isEmpty {
                let removed = a.remove(at: i)
                self = .array(a)
                return removed
            }
            let removed = try a[i].patchRemove(rest, op: op)
            self = .array(a)
            return removed
        default:
            throw missing
        }
    }

    /// An RFC 6901 array index: digits without leading zeros; `-` (only when `allowEnd`) is `count`.
    static func arrayIndex(_ token: String, count: Int, allowEnd: Bool) -> Int? {
        if token == "-" { return allowEnd ? count : nil }
        guard !token.isEmpty, token.allSatisfy(\.isASCII), token.allSatisfy(\.isNumber),
              token == "0" || !token.hasPrefix("0"), let i = Int(token) else { return nil }
        return i < count || (allowEnd && i == count) ? i : nil
    }
}

import Foundation
import KubeModel

/// A set of field paths, as structured-merge-diff keeps it and `fieldsV1` serializes it.
///
/// Each node is one path element, spelled as in fieldsV1: `f:<field>`, `k:<compact JSON of the
/// list-map key fields>`, `v:<JSON scalar>` (set-list value), `i:<index>`. `isMember` says the path
/// ending at this node is in the set (fieldsV1's `".": {}` when the node also has children, or an
/// empty `{}` when it has none). Guarantees: set operations never leave empty non-member nodes, so
/// two sets with the same paths are `==` and serialize identically.
public struct FieldSet: Sendable, Equatable {
    public var isMember: Bool
    public var children: [String: FieldSet]

    public init(isMember: Bool = false, children: [String: FieldSet] = [:]) {
        self.isMember = isMember
        self.children = children
    }

    /// The set `fieldsV1` describes; malformed parts (non-objects) are ignored.
    public init(fieldsV1: JSONValue) {
        var node = FieldSet()
        for (key, value) in fieldsV1.objectValue ?? [:] {
            if key == "." { node.isMember = true; continue }
            var child = FieldSet(fieldsV1: value)
            if child.children.isEmpty { child.isMember = true }
            node.children[key] = child
        }
        self = node
    }

    /// The `fieldsV1` JSON of this set (the root node itself is never a member in practice).
    public var fieldsV1: JSONValue {
        var out: [String: JSONValue] = [:]
        for (key, child) in children where !child.isEmpty {
            var encoded = child.fieldsV1.objectValue ?? [:]
            if child.isMember, !encoded.isEmpty { encoded["."] = .object([:]) }
            out[key] = .object(encoded)
        }
        return .object(out)
    }

    public var isEmpty: Bool { !isMember && children.values.allSatisfy(\.isEmpty) }

    public func union(_ other: FieldSet) -> FieldSet {
        var out = FieldSet(isMember: isMember || other.isMember, children: children)
        for (key, child) in other.children { out.children[key] = out.children[key].map { $0.union(child) } ?? child }
        return out.normalized()
    }

    public func subtracting(_ other: FieldSet) -> FieldSet {
        var out = FieldSet(isMember: isMember && !other.isMember)
        for (key, child) in children {
            out.children[key] = other.children[key].map { child.subtracting($0) } ?? child
        }
        return out.normalized()
    }

    /// This set without `other`'s members and everything beneath them (structured-merge-diff's
    /// `RecursiveDifference`, used for the fields an endpoint resets).
    public func subtractingRecursively(_ other: FieldSet) -> FieldSet {
        if other.isMember { return FieldSet() }
        var out = FieldSet(isMember: isMember)
        for (key, child) in children {
            out.children[key] = other.children[key].map { child.subtractingRecursively($0) } ?? child
        }
        return out.normalized()
    }

    public func intersection(_ other: FieldSet) -> FieldSet {
        var out = FieldSet(isMember: isMember && other.isMember)
        for (key, child) in children {
            if let o = other.children[key] { out.children[key] = child.intersection(o) }
        }
        return out.normalized()
    }

    /// Inserts one path (its last element becomes a member).
    public mutating func insert(_ path: [String]) {
        guard let first = path.first else { isMember = true; return }
        var child = children[first] ?? FieldSet()
        child.insert(Array(path.dropFirst()))
        children[first] = child
    }

    /// Every member path, depth first in sorted element order.
    public var memberPaths: [[String]] {
        var out: [[String]] = isMember ? [[]] : []
        for key in children.keys.sorted() {
            out += children[key]!.memberPaths.map { [key] + $0 }
        }
        return out
    }

    func normalized() -> FieldSet {
        FieldSet(isMember: isMember, children: children.filter { !$0.value.isEmpty })
    }

    /// A path as the API server prints it in conflicts: `.spec.template.spec.containers[name="main"].image`.
    public static func render(_ path: [String]) -> String {
        path.map { element -> String in
            let body = String(element.dropFirst(2))
            switch element.prefix(2) {
            case "f:": return "." + body
            case "k:":
                let inner = String(body.dropFirst().dropLast())
                return "[" + inner.replacingOccurrences(of: #""([^"]+)":"#, with: "$1=", options: .regularExpression) + "]"
            case "v:": return "[=" + body + "]"
            case "i:": return "[" + body + "]"
            default: return "." + element
            }
        }.joined()
    }

    /// The fields the server never tracks (structured-merge-diff's strip set): apiVersion, kind,
    /// and metadata's name, namespace, uid, resourceVersion, generation, creationTimestamp,
    /// selfLink, clusterName, managedFields, plus the `metadata` node itself.
    public static let untracked: FieldSet = {
        var s = FieldSet()
        s.insert(["f:apiVersion"])
        s.insert(["f:kind"])
        s.insert(["f:metadata"])
        for field in ["name", "namespace", "creationTimestamp", "selfLink", "uid", "clusterName", "generation", "managedFields", "resourceVersion"] {
            s.insert(["f:metadata", "f:" + field])
        }
        return s
    }()
}

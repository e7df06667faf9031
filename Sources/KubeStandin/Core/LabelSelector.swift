import Foundation
import KubeModel

/// A parsed `labelSelector` (`a=b`, `a==b`, `a!=b`, `a in (x,y)`, `a notin (x)`, `a`, `!a`;
/// comma = AND), matched as apimachinery's `labels.Selector` does.
struct LabelSelector: Sendable, Equatable {
    enum Requirement: Sendable, Equatable {
        case equals(String, String)
        case notEquals(String, String)
        case isIn(String, Set<String>)
        case notIn(String, Set<String>)
        case exists(String)
        case doesNotExist(String)
    }

    var requirements: [Requirement]
    var isEmpty: Bool { requirements.isEmpty }

    struct ParseError: Error { var message: String }

    init(requirements: [Requirement] = []) { self.requirements = requirements }

    init(parsing text: String) throws(ParseError) {
        var reqs: [Requirement] = []
        for raw in LabelSelector.splitTopLevel(text) {
            let part = raw.trimmingWhitespace
            if part.isEmpty { continue }
            reqs.append(try LabelSelector.parseRequirement(part))
        }
        requirements = reqs
    }

    /// Splits on commas outside parentheses.
    private static func splitTopLevel(_ s: String) -> [String] {
        var parts: [String] = []
        var depth = 0
        var cur = ""
        for ch in s {
            if ch == "(" { depth += 1 }
            if ch == ")" { depth -= 1 }
            if ch == ",", depth == 0 { parts.append(cur); cur = ""; continue }
            cur.append(ch)
        }
        parts.append(cur)
        return parts
    }

    private static func validKey(_ k: String) -> Bool {
        guard !k.isEmpty, k.count <= 253 + 63 else { return false }
        return k.allSatisfy { $0.isLetter || $0.isNumber || "-_./".contains($0) }
    }

    private static func validValue(_ v: String) -> Bool {
        v.count <= 63 && v.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) }
    }

    private static func parseRequirement(_ part: String) throws(ParseError) -> Requirement {
        func bad() -> ParseError { ParseError(message: "unable to parse requirement: found '\(part)', expected: valid label selector") }
        if part.hasPrefix("!") {
            let key = part.dropFirst().trimmingWhitespace
            guard validKey(key) else { throw bad() }
            return .doesNotExist(key)
        }
        for (op, make) in [("!=", Requirement.notEquals), ("==", Requirement.equals), ("=", Requirement.equals)] {
            if let r = part.range(of: op) {
                let key = part[..<r.lowerBound].trimmingWhitespace
                let value = part[r.upperBound...].trimmingWhitespace
                guard validKey(key), validValue(value) else { throw bad() }
                return make(key, value)
            }
        }
        let words = part.split(separator: " ", maxSplits: 1).map(String.init)
        if words.count == 2 {
            let key = words[0]
            let rest = words[1].trimmingWhitespace
            for (op, isIn) in [("notin", false), ("in", true)] where rest.hasPrefix(op) {
                let list = rest.dropFirst(op.count).trimmingWhitespace
                guard list.hasPrefix("("), list.hasSuffix(")"), validKey(key) else { throw bad() }
                let values = list.dropFirst().dropLast().split(separator: ",").map { $0.trimmingWhitespace }
                guard !values.isEmpty, values.allSatisfy(validValue) else { throw bad() }
                return isIn ? .isIn(key, Set(values)) : .notIn(key, Set(values))
            }
            throw bad()
        }
        guard validKey(part) else { throw bad() }
        return .exists(part)
    }

    func matches(_ labels: [String: JSONValue]) -> Bool {
        for r in requirements {
            switch r {
            case .equals(let k, let v): if labels[k]?.stringValue != v { return false }
            case .notEquals(let k, let v): if labels[k]?.stringValue == v { return false }
            case .isIn(let k, let vs): guard let v = labels[k]?.stringValue, vs.contains(v) else { return false }
            case .notIn(let k, let vs): if let v = labels[k]?.stringValue, vs.contains(v) { return false }
            case .exists(let k): if labels[k] == nil { return false }
            case .doesNotExist(let k): if labels[k] != nil { return false }
            }
        }
        return true
    }

    func matches(object: JSONValue) -> Bool {
        if requirements.isEmpty { return true }
        return matches(object[path: ["metadata", "labels"]]?.objectValue ?? [:])
    }
}

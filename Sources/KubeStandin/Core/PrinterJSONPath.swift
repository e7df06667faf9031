import Foundation
import KubeModel

/// The subset of Kubernetes JSONPath (k8s.io/client-go/util/jsonpath) that CRD
/// `additionalPrinterColumns` use, evaluated as the apiextensions table convertor does
/// (missing keys allowed: they yield no result, never an error).
///
/// Supported steps: `.name`, `['name']` / `["name"]`, `[n]` (negative counts from the end),
/// `[*]` / `.*`, and filters `[?(@.a.b == "x")]` with `==`, `!=`, `<`, `<=`, `>`, `>=` against a
/// string, number, `true`/`false` or `null` literal, or `[?(@.a)]` (existence). Not supported:
/// recursive descent `..`, slices `[a:b]`, unions `[a,b]`, functions; such paths fail to parse.
///
/// Guarantees: pure; `evaluate` returns results in document order; parsing never crashes on
/// malformed input (it returns nil).
struct PrinterJSONPath: Sendable, Equatable {
    indirect enum Step: Sendable, Equatable {
        case field(String)
        case index(Int)
        case wildcard
        case filter(path: [Step], op: String?, literal: JSONValue?)
    }

    let steps: [Step]

    /// Parses `.a.b[0]`, also wrapped in braces (`{.a.b}`) as kubectl accepts it.
    init?(_ text: String) {
        var s = Substring(text.trimmingWhitespace)
        if s.hasPrefix("{"), s.hasSuffix("}") { s = s.dropFirst().dropLast() }
        if s.hasPrefix("$") { s = s.dropFirst() }
        guard let steps = Self.parseSteps(&s, inFilter: false), s.isEmpty, !steps.isEmpty else { return nil }
        self.steps = steps
    }

    /// Every value the path reaches in `root`.
    func evaluate(_ root: JSONValue) -> [JSONValue] {
        Self.run(steps, on: [root])
    }

    // MARK: - Evaluation

    static func run(_ steps: [Step], on start: [JSONValue]) -> [JSONValue] {
        var current = start
        for step in steps {
            var next: [JSONValue] = []
            for v in current {
                switch step {
                case .field(let name):
                    if let child = v.objectValue?[name] { next.append(child) }
                case .index(let i):
                    guard let a = v.arrayValue else { continue }
                    let idx = i < 0 ? a.count + i : i
                    if idx >= 0, idx < a.count { next.append(a[idx]) }
                case .wildcard:
                    if let a = v.arrayValue { next += a } else if let o = v.objectValue { next += o.keys.sorted().map { o[$0]! } }
                case .filter(let path, let op, let literal):
                    let items = v.arrayValue ?? (v.objectValue.map { o in o.keys.sorted().map { o[$0]! } } ?? [])
                    for item in items where matches(item, path, op, literal) { next.append(item) }
                }
            }
            current = next
        }
        return current
    }

    static func matches(_ item: JSONValue, _ path: [Step], _ op: String?, _ literal: JSONValue?) -> Bool {
        let found = run(path, on: [item])
        guard let op, let literal else { return !found.isEmpty }
        guard let lhs = found.first else { return false }
        switch op {
        case "==": return lhs.sameValue(as: literal)
        case "!=": return !lhs.sameValue(as: literal)
        default:
            guard let a = lhs.doubleValue, let b = literal.doubleValue else {
                guard let a = lhs.stringValue, let b = literal.stringValue else { return false }
                return compare(a, b, op)
            }
            return compare(a, b, op)
        }
    }

    static func compare<T: Comparable>(_ a: T, _ b: T, _ op: String) -> Bool {
        switch op {
        case "<": return a < b
        case "<=": return a <= b
        case ">": return a > b
        case ">=": return a >= b
        default: return false
        }
    }

    // MARK: - Parsing

    private static func isNameChar(_ c: Character) -> Bool {
        c.isLetter || c.isNumber || c == "_" || c == "-" || c == "/"
    }

    /// Parses steps until the input ends or (inside a filter) an operator or `)` follows.
    private static func parseSteps(_ s: inout Substring, inFilter: Bool) -> [Step]? {
        var steps: [Step] = []
        while let c = s.first {
            if c == "." {
                s = s.dropFirst()
                if s.first == "." { return nil }
                if s.first == "*" { s = s.dropFirst(); steps.append(.wildcard); continue }
                let name = s.prefix(while: isNameChar)
                guard !name.isEmpty else { return nil }
                s = s.dropFirst(name.count)
                steps.append(.field(String(name)))
            } else if c == "[" {
                s = s.dropFirst()
                guard let step = parseBracket(&s) else { return nil }
                steps.append(step)
            } else if inFilter {
                return steps
            } else {
                return nil
            }
        }
        return steps
    }

    /// After `[`: `n]`, `*]`, `'name']`, `?(...)]`.
    private static func parseBracket(_ s: inout Substring) -> Step? {
        if s.hasPrefix("*]") { s = s.dropFirst(2); return .wildcard }
        if let q = s.first, q == "'" || q == "\"" {
            s = s.dropFirst()
            guard let end = s.firstIndex(of: q) else { return nil }
            let name = String(s[..<end])
            s = s[s.index(after: end)...]
            guard s.first == "]" else { return nil }
            s = s.dropFirst()
            return .field(name)
        }
        if s.hasPrefix("?(") {
            s = s.dropFirst(2)
            skipSpaces(&s)
            guard s.first == "@" else { return nil }
            s = s.dropFirst()
            guard let path = parseSteps(&s, inFilter: true), !path.isEmpty else { return nil }
            skipSpaces(&s)
            var op: String?
            var literal: JSONValue?
            for candidate in ["==", "!=", "<=", ">=", "<", ">"] where s.hasPrefix(candidate) {
                op = candidate
                s = s.dropFirst(candidate.count)
                skipSpaces(&s)
                guard let lit = parseLiteral(&s) else { return nil }
                literal = lit
                break
            }
            skipSpaces(&s)
            guard s.hasPrefix(")]") else { return nil }
            s = s.dropFirst(2)
            return .filter(path: path, op: op, literal: literal)
        }
        let digits = s.prefix { $0.isNumber || $0 == "-" }
        guard let i = Int(digits) else { return nil }
        s = s.dropFirst(digits.count)
        guard s.first == "]" else { return nil }
        s = s.dropFirst()
        return .index(i)
    }

    private static func parseLiteral(_ s: inout Substring) -> JSONValue? {
        if let q = s.first, q == "'" || q == "\"" {
            s = s.dropFirst()
            guard let end = s.firstIndex(of: q) else { return nil }
            let text = String(s[..<end])
            s = s[s.index(after: end)...]
            return .string(text)
        }
        let word = s.prefix { !$0.isWhitespace && $0 != ")" }
        s = s.dropFirst(word.count)
        switch word {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "null", "nil": return .null
        default:
            if let i = Int64(word) { return .int(i) }
            if let d = Double(word) { return .double(d) }
            return nil
        }
    }

    private static func skipSpaces(_ s: inout Substring) {
        while s.first?.isWhitespace == true { s = s.dropFirst() }
    }
}

import Foundation
import KubeModel

/// A parsed `fieldSelector` over `metadata.name` and `metadata.namespace` (`=`, `==`, `!=`;
/// comma = AND), the fields every kind supports.
struct FieldSelector: Sendable, Equatable {
    struct Requirement: Sendable, Equatable {
        var field: String
        var value: String
        var equal: Bool
    }

    static let supportedFields: Set<String> = ["metadata.name", "metadata.namespace"]

    var requirements: [Requirement] = []
    var isEmpty: Bool { requirements.isEmpty }

    struct ParseError: Error { var message: String }

    init() {}

    init(parsing text: String) throws(ParseError) {
        for raw in text.split(separator: ",", omittingEmptySubsequences: true) {
            let part = raw.trimmingWhitespace
            var parsed: Requirement?
            for (op, equal) in [("!=", false), ("==", true), ("=", true)] {
                if let r = part.range(of: op) {
                    parsed = Requirement(field: part[..<r.lowerBound].trimmingWhitespace,
                                         value: part[r.upperBound...].trimmingWhitespace, equal: equal)
                    break
                }
            }
            guard let req = parsed else { throw ParseError(message: "invalid selector: '\(text)'; can't understand '\(part)'") }
            guard FieldSelector.supportedFields.contains(req.field) else {
                throw ParseError(message: "field label not supported: \(req.field)")
            }
            requirements.append(req)
        }
    }

    func matches(object: JSONValue) -> Bool {
        for r in requirements {
            let key = r.field == "metadata.name" ? "name" : "namespace"
            let actual = object[path: ["metadata", key]]?.stringValue ?? ""
            if (actual == r.value) != r.equal { return false }
        }
        return true
    }
}

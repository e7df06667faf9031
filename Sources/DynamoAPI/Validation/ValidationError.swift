/// One problem with an object: the field path (`spec.components[2].dependsOn[0]`) and why.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? reason : "\(path): \(reason)" }
}

/// Every problem found in one object, thrown when an operation needs a valid object.
public struct ValidationFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public var errors: [ValidationError]
    public init(errors: [ValidationError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}

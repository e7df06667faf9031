import Foundation
import KubeModel

// The pure object rules the stand-in's core applies to request bodies: defaulting, validation
// (built-in kinds and CRD schemas), JSON patch, and managed-fields bookkeeping with server-side
// apply. No storage, no clock (time is passed in), no I/O: each rule tests on its own.
//
// The signatures below are the contract the core codes against; their implementations live in
// the other files of this folder.

/// One validation failure, formatted as apimachinery's `field.Error`.
public struct FieldError: Sendable, Equatable, Error {
    public enum Kind: String, Sendable {
        /// `FieldValueInvalid`: "Invalid value: <value>: <detail>"
        case invalid = "FieldValueInvalid"
        /// `FieldValueRequired`: "Required value"
        case required = "FieldValueRequired"
        /// `FieldValueNotSupported`: "Unsupported value: <value>: supported values: ..."
        case notSupported = "FieldValueNotSupported"
        /// `FieldValueTooLong`: "Too long: may not be more than N bytes"
        case tooLong = "FieldValueTooLong"
        /// `FieldValueTooMany`: "Too many: N: must have at most M items"
        case tooMany = "FieldValueTooMany"
        /// `FieldValueForbidden`: "Forbidden: <detail>"
        case forbidden = "FieldValueForbidden"
        /// `FieldValueTypeInvalid`: "Invalid value: <value>: <detail>" (wrong JSON type)
        case typeInvalid = "FieldValueTypeInvalid"
        /// `FieldValueDuplicate`: "Duplicate value: <value>"
        case duplicate = "FieldValueDuplicate"
    }

    public var kind: Kind
    /// The field path as the API server prints it: `spec.components[0].replicas`, `metadata.name`.
    public var field: String
    /// The offending value, when the message shows one.
    public var value: JSONValue?
    public var detail: String

    public init(_ kind: Kind, field: String, value: JSONValue? = nil, detail: String = "") {
        self.kind = kind
        self.field = field
        self.value = value
        self.detail = detail
    }
}

/// What an operation is, for rules that differ between create and update.
public enum WriteOperation: Sendable, Equatable {
    case create
    case update
}

/// A server-side apply that touches fields another manager owns, without `force`.
public struct ApplyConflict: Error, Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        /// The other manager's name.
        public var manager: String
        /// The field path as the real server prints it: `.spec.replicas`,
        /// `.spec.template.spec.containers[name="main"].image`.
        public var field: String
        public init(manager: String, field: String) {
            self.manager = manager
            self.field = field
        }
    }
    public var conflicts: [Item]
    public init(conflicts: [Item]) { self.conflicts = conflicts }
}

import Foundation
import KubeModel

/// Formats a `FieldError` as apimachinery's `field.Error.ErrorBody()`:
/// `Invalid value: "Bad_Name": <detail>`, `Required value`, `Unsupported value: "x": supported values: "a", "b"`.
enum FieldErrorText {
    static func body(_ e: FieldError) -> String {
        let typeText: String
        var showsValue = true
        switch e.kind {
        case .invalid, .typeInvalid: typeText = "Invalid value"
        case .required: typeText = "Required value"; showsValue = false
        case .notSupported: typeText = "Unsupported value"
        case .tooLong: typeText = "Too long"; showsValue = false
        case .tooMany: typeText = "Too many"
        case .forbidden: typeText = "Forbidden"; showsValue = false
        case .duplicate: typeText = "Duplicate value"
        }
        var s = typeText
        if showsValue, let v = e.value { s += ": " + render(v) }
        if !e.detail.isEmpty { s += ": " + e.detail }
        return s
    }

    /// Values as Go's `%#v`-like rendering the API server uses: strings quoted, others as JSON.
    static func render(_ v: JSONValue) -> String {
        String(decoding: JSONWire.encode(v), as: UTF8.self)
    }
}

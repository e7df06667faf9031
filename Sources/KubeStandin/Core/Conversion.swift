import Foundation
import KubeModel

/// What the real server's v1 → internal conversion does to write bodies, which the object
/// rules (defaulting, validation) do not cover.
enum Conversion {
    /// Secrets: `stringData` is write-only; its entries are merged into `data`, base64-encoded,
    /// overriding `data` entries of the same key, and the field is dropped.
    static func apply(to object: inout JSONValue, _ info: ResourceInfo) {
        guard info.group.isEmpty, info.plural == "secrets", let stringData = object["stringData"]?.objectValue else { return }
        var data = object["data"]?.objectValue ?? [:]
        for (k, v) in stringData {
            if let s = v.stringValue { data[k] = .string(Data(s.utf8).base64EncodedString()) }
        }
        object["data"] = .object(data)
        object["stringData"] = nil
    }
}

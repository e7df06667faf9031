import Foundation
import KubeModel

/// Tiny helpers for JSON (and YAML double-quoted) text the transport writes by hand, so its
/// bodies keep the exact key order a real API server uses.
enum JSONText {
    /// A JSON string literal: quotes, backslashes and control characters escaped. Also a valid
    /// YAML double-quoted scalar.
    static func quote(_ s: String) -> String { JSONWire.quoted(s) }
}

import Foundation

/// Tiny helpers for JSON (and YAML double-quoted) text the transport writes by hand, so its
/// bodies keep the exact key order a real API server uses.
enum JSONText {
    /// A JSON string literal: quotes, backslashes and control characters escaped. Also a valid
    /// YAML double-quoted scalar.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    out += String(format: "\\u%04x", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

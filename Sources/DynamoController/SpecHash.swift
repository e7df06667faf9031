import KubeModel

/// A stable fingerprint of a desired child, stamped on the child as an annotation.
///
/// Owned-field comparison cannot see a field the operator *stopped* declaring (it is absent from
/// `desired`). Stamping the fingerprint makes any change of the desired object a visible
/// difference, so the next apply runs and server-side apply drops the abandoned field.
/// FNV-1a over the key-sorted JSON text: identical across processes and restarts (unlike `Hasher`).
public enum SpecHash {
    public static let annotation = "nvidia.com/dynamo-spec-hash"

    public static func of(_ value: JSONValue) -> String {
        var text: [UInt8] = []
        text.reserveCapacity(4096)
        JSONWire.write(value, into: &text)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// `desired` with its fingerprint annotation set (computed without the annotation itself).
    public static func stamped(_ desired: JSONValue) -> JSONValue {
        var unstamped = desired
        unstamped[path: ["metadata", "annotations", annotation]] = nil
        if unstamped[path: ["metadata", "annotations"]]?.objectValue?.isEmpty == true {
            unstamped[path: ["metadata", "annotations"]] = nil
        }
        var out = unstamped
        out[path: ["metadata", "annotations", annotation]] = .string(of(unstamped))
        return out
    }
}

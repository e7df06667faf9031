/// Random (version 4) UUIDs in the lowercase form Kubernetes uses for `metadata.uid`.
///
/// Why not `UUID()`: on Linux, Foundation reads each one from a freshly opened `/dev/urandom`
/// (open, read, close for every UUID), which every object create and every reconcile paid for.
/// This draws the 16 bytes from the system generator (`getrandom`) instead.
///
/// Guarantees: 122 random bits, the RFC 9562 version (4) and variant (10) bits set; the same
/// text `UUID().uuidString.lowercased()` would produce for those bytes.
public enum RandomUID {
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        let high = generator.next() as UInt64
        let low = generator.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: high >> (56 - 8 * i))
            bytes[8 + i] = UInt8(truncatingIfNeeded: low >> (56 - 8 * i))
        }
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8]()
        text.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { text.append(UInt8(ascii: "-")) }
            text.append(hex[Int(b >> 4)])
            text.append(hex[Int(b & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

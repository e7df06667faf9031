import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Splits a watch body into events: one JSON document per line.
///
/// Guarantees: bytes after the last newline are kept for the next chunk, so an event split
/// across any number of chunks (objects of megabytes exist) comes out whole, and "no newline
/// yet" never reads as the end of the stream; each byte is scanned once, so the cost is linear
/// in the stream's size however small the chunks; blank lines are skipped.
public struct WatchFramer: Sendable {
    var buffer = Data()
    /// Bytes of `buffer` already known to hold no newline.
    var scanned = 0

    public init() {}

    /// Appends a chunk and returns the complete lines it finished, without their newlines.
    public mutating func append(_ chunk: Data) -> [Data] {
        buffer.append(chunk)
        let count = buffer.count
        guard count > scanned else { return [] }
        var lines: [Data] = []
        var consumed = 0
        // memchr over the contiguous bytes: Data's element-wise iteration cost more than the JSON
        // decoding of the events themselves.
        buffer.withUnsafeBytes { (raw: UnsafeRawBufferPointer) in
            guard let base = raw.baseAddress else { return }
            var start = 0
            var cursor = scanned
            while cursor < count, let hit = memchr(base + cursor, 0x0A, count - cursor) {
                let newline = base.distance(to: UnsafeRawPointer(hit))
                if !Self.isBlank(raw[start..<newline]) { lines.append(Data(raw[start..<newline])) }
                start = newline + 1
                cursor = start
            }
            consumed = start
        }
        if consumed > 0 { buffer = consumed == count ? Data() : buffer.subdata(in: buffer.startIndex + consumed..<buffer.endIndex) }
        scanned = buffer.count
        return lines
    }

    /// A line of spaces and carriage returns only (skipped, as the server never sends one).
    static func isBlank(_ bytes: Slice<UnsafeRawBufferPointer>) -> Bool {
        bytes.allSatisfy { $0 == 0x20 || $0 == 0x0D }
    }

    /// Bytes of an event not yet terminated by a newline.
    public var pending: Int { buffer.count }
}

import Foundation

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
        guard chunk.contains(0x0A) else {
            buffer.append(chunk)
            scanned = buffer.count
            return []
        }
        buffer.append(chunk)
        var lines: [Data] = []
        var start = buffer.startIndex
        var cursor = buffer.startIndex + scanned
        while let nl = buffer[cursor...].firstIndex(of: 0x0A) {
            let line = buffer[start..<nl]
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { lines.append(Data(line)) }
            start = buffer.index(after: nl)
            cursor = start
        }
        buffer = Data(buffer[start...])
        scanned = buffer.count
        return lines
    }

    /// Bytes of an event not yet terminated by a newline.
    public var pending: Int { buffer.count }
}

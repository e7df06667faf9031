#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Where formatted log lines go.
///
/// Guarantees (both implementations): each `write` emits one whole line, never interleaved with
/// another thread's line.
public protocol LogSink: Sendable {
    /// Writes `line` (which ends with a newline).
    func write(_ line: String)
}

/// Standard error, written with one `write(2)` per line under a lock (so lines from concurrent
/// threads never interleave), unbuffered so nothing is lost when the process dies.
public final class StandardErrorSink: LogSink {
    public static let shared = StandardErrorSink()
    let lock = Mutex(())

    public init() {}

    public func write(_ line: String) {
        var bytes = Array(line.utf8)
        lock.withLock { _ in
            bytes.withUnsafeMutableBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let n = posixWrite(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if n > 0 { offset += n } else if n < 0 && errno == EINTR { continue } else { return }
                }
            }
        }
    }
}

private func posixWrite(_ fd: Int32, _ bytes: UnsafeMutableRawPointer, _ count: Int) -> Int {
    #if canImport(Glibc)
    return Glibc.write(fd, bytes, count)
    #elseif canImport(Musl)
    return Musl.write(fd, bytes, count)
    #else
    return Darwin.write(fd, bytes, count)
    #endif
}

/// Keeps lines in memory: for tests, and for anything that wants to inspect its own logs.
public final class MemoryLogSink: LogSink {
    let storage = Mutex<[String]>([])

    public init() {}

    public func write(_ line: String) { storage.withLock { $0.append(line) } }

    /// Lines written so far, in order, each without its trailing newline.
    public var lines: [String] {
        storage.withLock { $0.map { $0.hasSuffix("\n") ? String($0.dropLast()) : $0 } }
    }
}

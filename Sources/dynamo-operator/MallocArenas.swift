import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Caps glibc's malloc arenas for the operator process.
///
/// Why: glibc gives each thread that contends on malloc its own arena, up to 8 per core. The
/// operator's threads (watch streams, reconcile workers, libcurl transfers) allocate and free
/// cached objects on different threads, so freed memory piled up in arenas other threads never
/// reuse: at 1000 graphs, 2 arenas held the same caches in 14 MiB less than the default
/// (dynamo-bench). The setting Java and Ruby images use for the same reason (`MALLOC_ARENA_MAX=2`).
///
/// Guarantees: a `MALLOC_ARENA_MAX` set in the environment wins (glibc read it at start-up and
/// it is not overridden); on other C libraries, or if `mallopt` is missing, nothing happens.
enum MallocArenas {
    /// Arenas kept: two, so a reconcile worker and a watch stream rarely wait on each other.
    static let maximum: Int32 = 2
    /// glibc's `M_ARENA_MAX` parameter number (malloc.h), stable since glibc 2.10.
    static let mArenaMax: Int32 = -8

    static func limit() {
        #if os(Linux)
        guard ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil,
              let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
        typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
        _ = unsafeBitCast(symbol, to: Mallopt.self)(mArenaMax, maximum)
        #endif
    }
}

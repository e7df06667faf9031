import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Caps glibc's malloc arenas for the operator process.
///
/// Why: glibc gives each thread that contends on malloc its own arena, up to 8 per core. The
/// operator's threads (watch streams, reconcile workers, libcurl transfers) allocate and free
/// cached objects on different threads, so freed memory piled up in arenas other threads never
/// reuse: at 1000 graphs, capping held the same caches in about 15–20 MiB less than the default,
/// with the same CPU (dynamo-bench; glibc's per-thread caches still serve most small
/// allocations without taking the arena's lock). Those first measurements set the cap too late
/// (below), so each run had one arena more than asked for; a cap of one that really holds peaks
/// about 0.5 MiB lower again (59.4–59.9 MiB). Java and Ruby images cap arenas for the same reason.
///
/// Guarantees: called first thing in `DynamoOperator.main`, while the main thread is the only
/// one, the process keeps exactly one arena. (glibc lets any thread that mallocs before the cap
/// open an arena of its own, and keeps it: when the cap was set in `run()`, already on a
/// cooperative-pool thread, every operator had two, and threads were dealt between them.) A
/// `MALLOC_ARENA_MAX` set in the environment wins (glibc read it at start-up and it is not
/// overridden); on other C libraries, or if `mallopt` is missing, nothing happens.
enum MallocArenas {
    /// Arenas kept: one; the operator's threads mostly wait on the network, not on malloc.
    static let maximum: Int32 = 1
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

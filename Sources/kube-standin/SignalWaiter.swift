import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocks until SIGINT or SIGTERM arrives (handled through Dispatch sources, so the default
/// "terminate now" action is replaced by a graceful stop).
enum SignalWaiter {
    static func waitForTermination() {
        let done = DispatchSemaphore(value: 0)
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { done.signal() }
            source.resume()
            sources.append(source)
        }
        done.wait()
        for s in sources { s.cancel() }
    }
}

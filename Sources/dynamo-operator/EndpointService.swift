import Foundation
import ServiceLifecycle
import KubeRuntime

/// Runs a metrics or probe `EndpointServer` inside a ServiceGroup.
///
/// Guarantees: the server listens before `start()` of the next service runs (it binds in
/// `init`-time `bind()`); it keeps answering until the group shuts down gracefully or is
/// cancelled, then stops (off the cooperative pool: `stop` blocks until connections close).
struct EndpointService: Service {
    let server: EndpointServer

    /// Binds now, so a port in use fails startup with a clear message instead of later.
    /// Returns nil for a disabled address.
    static func bind(_ server: EndpointServer) throws -> EndpointService? {
        guard try server.start() != nil else { return nil }
        return EndpointService(server: server)
    }

    func run() async throws {
        // Returns on graceful shutdown; throws CancellationError on cancellation. Either way: stop.
        try? await gracefulShutdown()
        let server = self.server
        await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                server.stop()
                c.resume()
            }
        }
    }
}

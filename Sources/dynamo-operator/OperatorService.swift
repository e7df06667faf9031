import Foundation
import ServiceLifecycle
import DynamoController

/// Runs an `OperatorRuntime` inside a ServiceGroup.
///
/// Guarantees: a graceful shutdown (SIGTERM/SIGINT through the group) or task cancellation runs
/// `OperatorRuntime.shutdown()` off the cooperative pool (it blocks while draining) and `run`
/// returns once the runtime has ended; losing the Lease makes `run` throw
/// `OperatorServiceError.lostLeadership`, so the process exits non-zero.
struct OperatorService: Service {
    let runtime: OperatorRuntime

    func run() async throws {
        runtime.start()
        let runtime = self.runtime
        let exit = await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await runtime.wait()
            } onGracefulShutdown: {
                DispatchQueue.global().async { runtime.shutdown() }
            }
        } onCancel: {
            DispatchQueue.global().async { runtime.shutdown() }
        }
        if exit == .lostLeadership { throw OperatorServiceError.lostLeadership }
    }
}

enum OperatorServiceError: Error, CustomStringConvertible {
    case lostLeadership
    var description: String { "lost the leader lease; exiting so a fresh process can stand by" }
}

import Foundation
import Synchronization
import KubeModel

/// One page of a list request.
public struct ListPage: Sendable, Equatable {
    public var limit: Int
    public var continueToken: String?
    public init(limit: Int, continueToken: String? = nil) {
        self.limit = limit
        self.continueToken = continueToken
    }
}

/// What a watch delivers to an informer.
public enum InformerEvent<T: Sendable>: Sendable {
    case added(T)
    case modified(T)
    case deleted(T)
    case bookmark(resourceVersion: String)
}

/// Cancels a running watch from another thread.
public final class WatchStop: Sendable {
    let flag = Mutex(false)
    public init() {}
    public func stop() { flag.withLock { $0 = true } }
    public var isStopped: Bool { flag.withLock { $0 } }
}

/// The list and watch calls an informer needs, for one kind in one scope (a namespace or all,
/// optionally label-filtered). Implemented over the API client; faked in tests.
public protocol ListerWatcher<Object>: Sendable {
    associatedtype Object: KubeResource
    func list(_ page: ListPage) throws -> ObjectList<Object>
    /// Streams events from `resourceVersion` until the server ends the stream (return), `stop`
    /// is set (return within about a second), or an error (throw).
    func watch(resourceVersion: String, timeoutSeconds: Int, stop: WatchStop, onEvent: (InformerEvent<Object>) throws -> Void) throws
    /// True for the error that means "resourceVersion too old": the informer relists.
    func isExpired(_ error: Error) -> Bool
}

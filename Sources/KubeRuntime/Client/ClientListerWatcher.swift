import Foundation
import KubeClient
import KubeModel

/// The `ListerWatcher` of one kind over `KubeClient`: one namespace or all, optionally filtered
/// by a label selector.
///
/// Guarantees:
/// - `list` asks for one page (`limit`, `continue`) with the selector; the informer follows pages;
/// - `watch` resumes from the given resourceVersion with `allowWatchBookmarks=true` and the given
///   server-side `timeoutSeconds`; bookmarks reach the informer as `.bookmark(resourceVersion:)`;
/// - setting `stop` cancels the request through the client's `CancellationToken`: the watch
///   returns (without an error) within about a second (`stopPollInterval` plus libcurl's
///   progress-callback cadence);
/// - `isExpired` is true exactly for `KubeError.expired` and an HTTP 410 `Status`.
public struct ClientListerWatcher<T: KubeResource>: ListerWatcher {
    public typealias Object = T

    /// How often a running watch checks `stop`: a tenth of the one-second stop promise, so the
    /// poll adds little to libcurl's own cancellation latency.
    public static var stopPollInterval: TimeInterval { 0.1 }

    public let client: KubeClient
    /// nil: all namespaces (the cluster-scoped collection path).
    public let namespace: String?
    public let labelSelector: String?

    public init(client: KubeClient, namespace: String? = nil, labelSelector: String? = nil) {
        self.client = client
        self.namespace = namespace
        self.labelSelector = labelSelector
    }

    public func list(_ page: ListPage) throws -> ObjectList<T> {
        try client.list(T.self, namespace: namespace, options: Self.listOptions(page, labelSelector: labelSelector))
    }

    public func watch(resourceVersion: String, timeoutSeconds: Int, stop: WatchStop,
                      onEvent: (InformerEvent<T>) throws -> Void) throws {
        let cancel = CancellationToken()
        let bridge = StopBridge(stop: stop, cancel: cancel, interval: Self.stopPollInterval)
        bridge.start()
        defer { bridge.end() }
        try client.watch(T.self, namespace: namespace,
                         options: Self.watchOptions(resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, labelSelector: labelSelector),
                         cancel: cancel) { event in
            if stop.isStopped {
                cancel.cancel()
                return
            }
            try onEvent(Self.informerEvent(event))
        }
    }

    public func isExpired(_ error: Error) -> Bool { Self.isExpiredError(error) }

    // MARK: - Mapping (pure; unit-tested)

    public static func listOptions(_ page: ListPage, labelSelector: String?) -> ListOptions {
        ListOptions(labelSelector: labelSelector, limit: page.limit, continueToken: page.continueToken)
    }

    /// An empty resourceVersion means "from now" (the server's most recent state); it is omitted.
    public static func watchOptions(resourceVersion: String, timeoutSeconds: Int, labelSelector: String?) -> WatchOptions {
        WatchOptions(resourceVersion: resourceVersion.isEmpty ? nil : resourceVersion, allowWatchBookmarks: true,
                     timeoutSeconds: timeoutSeconds, labelSelector: labelSelector)
    }

    public static func informerEvent(_ event: WatchEvent<T>) -> InformerEvent<T> {
        switch event {
        case .added(let o): return .added(o)
        case .modified(let o): return .modified(o)
        case .deleted(let o): return .deleted(o)
        case .bookmark(let rv, _): return .bookmark(resourceVersion: rv)
        }
    }

    public static func isExpiredError(_ error: Error) -> Bool {
        guard let e = error as? KubeError else { return false }
        if e.isExpired { return true }
        if case .api(let code, _) = e, code == 410 { return true }
        return false
    }
}

/// Forwards a `WatchStop` to a `CancellationToken` by polling on a Dispatch timer for the
/// lifetime of one watch.
final class StopBridge {
    let stop: WatchStop
    let cancel: CancellationToken
    let timer: DispatchSourceTimer

    init(stop: WatchStop, cancel: CancellationToken, interval: TimeInterval) {
        self.stop = stop
        self.cancel = cancel
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue.global(qos: .utility))
        timer.schedule(deadline: .now(), repeating: interval)
    }

    func start() {
        let stop = self.stop, cancel = self.cancel
        timer.setEventHandler { if stop.isStopped { cancel.cancel() } }
        timer.resume()
    }

    func end() { timer.cancel() }
}

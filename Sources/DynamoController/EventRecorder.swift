import Foundation
import Synchronization
import Logging
import KubeModel

/// Writes `events.k8s.io/v1` Events.
public protocol EventWriter: Sendable {
    func create(_ event: Event) throws
    /// Updates an existing event's `series` (count and last observation).
    func updateSeries(namespace: String, name: String, series: Event.Series) throws
}

/// Records events so that a hot loop cannot flood the API server.
///
/// Guarantees:
/// - recording never blocks the caller: writes happen on one background queue, in order;
/// - an identical event (same object, type, reason and note) seen again within
///   `aggregationWindow` is folded into the first one's `series.count`, written at most once per
///   `seriesUpdateInterval`;
/// - each object may start at most `burst` new events, refilled at one per `refillInterval`
///   (client-go's spam filter numbers); events beyond that are dropped and logged;
/// - the events one recorder creates have distinct names, even when they are recorded in the
///   same instant (the name's suffix is the time in nanoseconds, kept strictly increasing).
public final class EventRecorder: EventSink, Sendable {
    /// How long an identical event keeps being counted into the same series (client-go: 10 min).
    public static let aggregationWindow: TimeInterval = 600
    /// How often a growing series is written back; repeats in between are only counted.
    public static let seriesUpdateInterval: TimeInterval = 30
    /// New events an object may start in a burst (client-go's EventSourceObjectSpamFilter).
    public static let burst = 25.0
    /// One more new event per object per this interval once the burst is spent.
    public static let refillInterval: TimeInterval = 300
    /// Entries kept for aggregation; older ones are forgotten first.
    static let maxTracked = 4096

    struct Series {
        var name: String
        var namespace: String
        var count: Int
        var firstSeen: Date
        var lastWritten: Date
    }

    struct Bucket {
        var tokens: Double
        var updated: Date
    }

    struct State {
        var series: [String: Series] = [:]
        var buckets: [String: Bucket] = [:]
        /// The last name suffix handed out.
        var lastSuffix: UInt64 = 0
    }

    let writer: EventWriter
    let controller: String
    let instance: String
    let now: @Sendable () -> Date
    let queue = DispatchQueue(label: "dynamo.events")
    let state = Mutex(State())
    let logger: Logger

    public init(writer: EventWriter, controller: String = "nvidia.com/dynamo-operator", instance: String,
                now: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "dynamo.events")) {
        self.writer = writer
        self.controller = controller
        self.instance = instance
        self.now = now
        self.logger = logger
    }

    public func record(regarding: ObjectReference, type: EventType, reason: String, note: String) {
        guard let namespace = regarding.namespace, let name = regarding.name else { return }
        let t = now()
        let key = [regarding.uid ?? name, type.rawValue, reason, note].joined(separator: "\u{1}")
        let objectKey = regarding.uid ?? "\(namespace)/\(name)"

        enum Action { case create(Event), update(String, String, Event.Series), none, dropped }
        let action: Action = state.withLock { s in
            if var existing = s.series[key], t.timeIntervalSince(existing.firstSeen) < Self.aggregationWindow {
                existing.count += 1
                defer { s.series[key] = existing }
                guard t.timeIntervalSince(existing.lastWritten) >= Self.seriesUpdateInterval else { return .none }
                existing.lastWritten = t
                return .update(existing.namespace, existing.name, Event.Series(count: existing.count, lastObservedTime: KubeTime.formatMicro(t)))
            }
            var bucket = s.buckets[objectKey] ?? Bucket(tokens: Self.burst, updated: t)
            bucket.tokens = min(Self.burst, bucket.tokens + t.timeIntervalSince(bucket.updated) / Self.refillInterval)
            bucket.updated = t
            guard bucket.tokens >= 1 else {
                s.buckets[objectKey] = bucket
                return .dropped
            }
            bucket.tokens -= 1
            s.buckets[objectKey] = bucket
            if s.series.count >= Self.maxTracked {
                let cutoff = t.addingTimeInterval(-Self.aggregationWindow)
                s.series = s.series.filter { $0.value.firstSeen > cutoff }
                if s.series.count >= Self.maxTracked { s.series.removeAll() }
            }
            // A Date holds about 0.25 µs of precision today, and one reconcile records several
            // events for the same object within that: the clock alone would repeat names.
            let suffix = max(UInt64(max(0, t.timeIntervalSince1970) * 1_000_000_000), s.lastSuffix + 1)
            s.lastSuffix = suffix
            let eventName = "\(name).\(String(suffix, radix: 16))"
            s.series[key] = Series(name: eventName, namespace: namespace, count: 1, firstSeen: t, lastWritten: t)
            return .create(Event(
                metadata: ObjectMeta(name: eventName, namespace: namespace), eventTime: KubeTime.formatMicro(t),
                reportingController: controller, reportingInstance: instance, action: "Reconcile",
                reason: reason, note: String(note.prefix(1024)), type: type.rawValue, regarding: regarding))
        }

        switch action {
        case .create(let event):
            queue.async { [writer, logger] in
                do { try writer.create(event) } catch {
                    logger.warning("event not recorded", metadata: ["reason": "\(reason)", "error": "\(error)"])
                }
            }
        case .update(let ns, let eventName, let series):
            queue.async { [writer, logger] in
                do { try writer.updateSeries(namespace: ns, name: eventName, series: series) } catch {
                    logger.warning("event series not updated", metadata: ["event": "\(eventName)", "error": "\(error)"])
                }
            }
        case .dropped:
            logger.debug("event dropped by the per-object budget", metadata: ["object": "\(objectKey)", "reason": "\(reason)"])
        case .none:
            break
        }
    }

    /// Waits until every event recorded so far has been written (or failed). For shutdown and tests.
    public func flush() { queue.sync {} }
}

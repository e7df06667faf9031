import Dispatch
import Foundation
import Synchronization

/// Tuning: the default number of frames a watcher may have queued and undelivered before the
/// server drops it, as kube-apiserver ends watchers whose result channel stays full (the client
/// then rewatches). Large enough for a benchmark's burst of thousands of objects.
public let defaultWatchBacklogLimit = 100_000

/// One open watch as the transport sees it (`WatchStream`). The server enqueues frames (under its
/// store lock, so they are in commit order); this class delivers them on its own serial queue.
///
/// Guarantees: `onFrame`/`onEnd` run serially on `queue`; `onEnd` exactly once and last; frames
/// enqueued before `start` are buffered and delivered first; after `cancel()` no new frame is
/// delivered and `onEnd(.cancelled)` follows.
final class WatchConnection: WatchStream, Sendable {
    struct State {
        var onFrame: (@Sendable (Data) -> Void)?
        var onEnd: (@Sendable (WatchEnd) -> Void)?
        var started = false
        var buffered: [Data] = []
        var pending = 0
        var end: WatchEnd?
        var endDelivered = false
        var cancelled = false
        var lastFrame: Data?
        var timers: [TimerBox] = []
    }

    let id: Int
    let queue: DispatchQueue
    private let state = Mutex(State())
    private let onCancel: @Sendable () -> Void

    private let backlogLimit: Int

    init(id: Int, backlogLimit: Int = defaultWatchBacklogLimit, onCancel: @escaping @Sendable () -> Void) {
        self.id = id
        self.backlogLimit = backlogLimit
        self.queue = DispatchQueue(label: "kube-standin.watch.\(id)")
        self.onCancel = onCancel
    }

    func start(onFrame: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable (WatchEnd) -> Void) {
        state.withLock { s in
            guard !s.started else { return }
            s.started = true
            s.onFrame = onFrame
            s.onEnd = onEnd
            for frame in s.buffered { queue.async { self.deliver(frame) } }
            s.buffered = []
            if s.end != nil { queue.async { self.deliverEnd() } }
        }
    }

    func cancel() {
        let first = state.withLock { s -> Bool in
            guard !s.cancelled else { return false }
            s.cancelled = true
            if s.end == nil { s.end = .cancelled }
            if s.started { queue.async { self.deliverEnd() } }
            return true
        }
        if first { onCancel() }
    }

    /// Queues one frame; false when the watcher is too far behind (the caller then ends it).
    /// `bounded: false` is for the initial events of a watch, which the limit does not apply to.
    func enqueue(_ frame: Data, bounded: Bool = true) -> Bool {
        state.withLock { s in
            if s.end != nil { return true }
            s.pending += 1
            if bounded && s.pending > backlogLimit { s.pending -= 1; return false }
            if s.started { queue.async { self.deliver(frame) } } else { s.buffered.append(frame) }
            return true
        }
    }

    /// Ends the stream after the frames already queued (first end wins).
    func finish(_ end: WatchEnd) {
        let idle = state.withLock { s -> [TimerBox] in
            guard s.end == nil else { return [] }
            s.end = end
            if s.started { queue.async { self.deliverEnd() }; return [] }
            let t = s.timers
            s.timers = []
            return t
        }
        for t in idle { t.timer.cancel() }
    }

    /// Ends the stream at once, dropping queued frames (used for cut-mid-event faults).
    func abort(_ end: WatchEnd) {
        let idle = state.withLock { s -> [TimerBox] in
            guard s.end == nil else { return [] }
            s.end = end
            s.cancelled = true
            if s.started { queue.async { self.deliverEnd() }; return [] }
            let t = s.timers
            s.timers = []
            return t
        }
        for t in idle { t.timer.cancel() }
    }

    var lastFrame: Data? { state.withLock { $0.lastFrame } }
    var isEnded: Bool { state.withLock { $0.end != nil } }

    /// Keeps a timer alive for the stream's lifetime; it is cancelled when the stream ends.
    func own(_ timer: DispatchSourceTimer) {
        let box = TimerBox(timer)
        let keep = state.withLock { s -> Bool in
            if s.endDelivered || (s.end != nil && !s.started) { return false }
            s.timers.append(box)
            return true
        }
        if keep { timer.resume() } else { timer.resume(); timer.cancel() }
    }

    private func deliver(_ frame: Data) {
        let callback = state.withLock { s -> (@Sendable (Data) -> Void)? in
            s.pending -= 1
            if s.cancelled || s.endDelivered { return nil }
            s.lastFrame = frame
            return s.onFrame
        }
        callback?(frame)
    }

    private func deliverEnd() {
        let (callback, end, timers) = state.withLock { s -> ((@Sendable (WatchEnd) -> Void)?, WatchEnd?, [TimerBox]) in
            guard !s.endDelivered else { return (nil, nil, []) }
            s.endDelivered = true
            let cb = s.onEnd
            s.onEnd = nil
            s.onFrame = nil
            let t = s.timers
            s.timers = []
            return (cb, s.end, t)
        }
        for t in timers { t.timer.cancel() }
        if let callback, let end { callback(end) }
    }
}

/// A Dispatch timer handed between threads: DispatchSource's resume/cancel are thread-safe,
/// which is why this box may be `@unchecked Sendable`.
final class TimerBox: @unchecked Sendable {
    let timer: DispatchSourceTimer
    init(_ timer: DispatchSourceTimer) { self.timer = timer }
}

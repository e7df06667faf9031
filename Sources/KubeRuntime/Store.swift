import Synchronization
import KubeModel

/// The informer's cache of one kind.
///
/// Guarantees: thread-safe; objects are stored as the `transform` given at init leaves them
/// (controller-runtime's cache transform: drop what the controller never reads; it still sees
/// `metadata.managedFields`), then without `metadata.managedFields` (often more than half an
/// object's size) and with repeated metadata strings shared (`StringInterner`); what is stored
/// is what the informer's handlers receive. Lookups by key, by namespace and by controller-owner uid
/// are answered from indexes, not scans; `hasSynced` turns true after the first complete list
/// and stays true.
public final class Store<T: KubeResource>: Sendable {
    public typealias Transform = @Sendable (inout T) -> Void

    /// One cached object on the heap. A dictionary keeps a slot for every bucket, empty or not
    /// (about twice the count); slots holding a pointer instead of the whole struct (hundreds of
    /// bytes for a Deployment) save more than the box costs.
    final class Entry: Sendable {
        let object: T
        init(_ object: T) { self.object = object }
    }

    struct State {
        var items: [ObjectKey: Entry] = [:]
        var byNamespace: [String: Set<ObjectKey>] = [:]
        var byOwner: [String: Set<ObjectKey>] = [:]
        var synced = false
    }
    let state = Mutex(State())
    let transform: Transform?
    let interner = StringInterner()

    public init(transform: Transform? = nil) {
        self.transform = transform
    }

    public func get(_ key: ObjectKey) -> T? { state.withLock { $0.items[key]?.object } }
    public func list() -> [T] { state.withLock { $0.items.values.map(\.object) } }
    public var count: Int { state.withLock { $0.items.count } }
    public var keys: [ObjectKey] { state.withLock { Array($0.items.keys) } }
    public var hasSynced: Bool { state.withLock { $0.synced } }

    public func list(namespace: String) -> [T] {
        state.withLock { s in (s.byNamespace[namespace] ?? []).compactMap { s.items[$0]?.object } }
    }

    /// Objects whose controller ownerReference has this uid.
    public func byOwnerUID(_ uid: String) -> [T] {
        state.withLock { s in (s.byOwner[uid] ?? []).compactMap { s.items[$0]?.object } }
    }

    /// Stores `object` (stripped, transformed, interned); returns the previous version and the
    /// stored form.
    @discardableResult
    func upsert(_ object: T) -> (old: T?, stored: T) {
        var object = object
        transform?(&object)
        object.metadata.managedFields = nil
        interner.intern(&object.metadata)
        let key = object.key
        let old = state.withLock { s in
            let old = s.items.updateValue(Entry(object), forKey: key)?.object
            if let old { Self.unindex(old, key, &s) }
            Self.index(object, key, &s)
            return old
        }
        return (old, object)
    }

    @discardableResult
    func remove(_ key: ObjectKey) -> T? {
        state.withLock { s in
            guard let old = s.items.removeValue(forKey: key)?.object else { return nil }
            Self.unindex(old, key, &s)
            return old
        }
    }

    func markSynced() { state.withLock { $0.synced = true } }

    private static func index(_ o: T, _ key: ObjectKey, _ s: inout State) {
        s.byNamespace[key.namespace ?? "", default: []].insert(key)
        if let uid = o.metadata.controllerOwner?.uid { s.byOwner[uid, default: []].insert(key) }
    }

    private static func unindex(_ o: T, _ key: ObjectKey, _ s: inout State) {
        s.byNamespace[key.namespace ?? ""]?.remove(key)
        if s.byNamespace[key.namespace ?? ""]?.isEmpty == true { s.byNamespace[key.namespace ?? ""] = nil }
        if let uid = o.metadata.controllerOwner?.uid {
            s.byOwner[uid]?.remove(key)
            if s.byOwner[uid]?.isEmpty == true { s.byOwner[uid] = nil }
        }
    }
}

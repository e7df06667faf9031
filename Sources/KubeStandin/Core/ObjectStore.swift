import Foundation
import KubeModel

/// One stored object and the resourceVersion it was created at (for consistent paging).
struct StoredObject: Sendable {
    var object: JSONValue
    var createdRV: Int64
}

/// The objects of one group-resource, by namespace ("" for cluster-scoped) then name.
///
/// Guarantees: get/put/remove are O(1); listing a namespace sorts its names once and reuses the
/// order until an object is added or removed there.
struct ResourceTable: Sendable {
    struct Bucket: Sendable {
        var objects: [String: StoredObject] = [:]
        var sortedNames: [String]? = nil
    }

    private(set) var buckets: [String: Bucket] = [:]
    private(set) var count = 0

    func get(_ namespace: String, _ name: String) -> StoredObject? { buckets[namespace]?.objects[name] }

    mutating func put(_ namespace: String, _ name: String, _ stored: StoredObject) {
        if buckets[namespace]?.objects[name] == nil {
            count += 1
            buckets[namespace, default: Bucket()].sortedNames = nil
        }
        buckets[namespace, default: Bucket()].objects[name] = stored
    }

    @discardableResult
    mutating func remove(_ namespace: String, _ name: String) -> StoredObject? {
        guard let old = buckets[namespace]?.objects.removeValue(forKey: name) else { return nil }
        count -= 1
        buckets[namespace]?.sortedNames = nil
        if buckets[namespace]?.objects.isEmpty == true { buckets.removeValue(forKey: namespace) }
        return old
    }

    /// Names of one namespace in key order (caches the order).
    mutating func sortedNames(_ namespace: String) -> [String] {
        guard var bucket = buckets[namespace] else { return [] }
        if let s = bucket.sortedNames { return s }
        let s = bucket.objects.keys.sorted()
        bucket.sortedNames = s
        buckets[namespace] = bucket
        return s
    }

    var namespaces: [String] { buckets.keys.sorted() }

    /// Every object, unordered.
    var all: [StoredObject] { buckets.values.flatMap { $0.objects.values } }
}

/// A committed change, kept for watch resume.
struct ChangeEvent: Sendable {
    enum Kind: String, Sendable { case added = "ADDED", modified = "MODIFIED", deleted = "DELETED" }
    var rv: Int64
    var groupResource: String
    var namespace: String
    var kind: Kind
    /// The object after the change (for DELETED: as it was deleted, at the deletion's RV).
    var object: JSONValue
    /// The object before the change (nil for ADDED), for selector transitions.
    var old: JSONValue?
}

/// The bounded history of changes, oldest first, for `watch` with a `resourceVersion`.
///
/// Guarantees: every change with RV greater than `compactedRV` is retained; O(1) append.
struct ChangeHistory: Sendable {
    let capacity: Int
    private var ring: [ChangeEvent] = []
    private var head = 0
    /// Changes at or below this RV may have been dropped.
    private(set) var compactedRV: Int64 = 0

    init(capacity: Int) { self.capacity = max(1, capacity) }

    mutating func append(_ e: ChangeEvent) {
        if ring.count < capacity {
            ring.append(e)
        } else {
            compactedRV = ring[head].rv
            ring[head] = e
            head = (head + 1) % capacity
        }
    }

    /// Changes after `rv` of one resource (optionally one namespace), oldest first.
    func events(after rv: Int64, groupResource: String, namespace: String?) -> [ChangeEvent] {
        var out: [ChangeEvent] = []
        let n = ring.count
        // Walk backwards from the newest until at or below rv, then reverse.
        var i = 0
        while i < n {
            let idx = (head + n - 1 - i) % n
            let e = ring[idx]
            if e.rv <= rv { break }
            if e.groupResource == groupResource, namespace == nil || e.namespace == namespace { out.append(e) }
            i += 1
        }
        return out.reversed()
    }
}

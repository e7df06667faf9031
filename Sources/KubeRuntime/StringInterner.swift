import Synchronization
import KubeModel

/// Shares one copy of the strings that many cached objects repeat: label and annotation keys,
/// label values, owner references, namespaces. Every parsed object otherwise carries its own
/// heap copy of, say, `app.kubernetes.io/managed-by` and its owner's uid.
///
/// Guarantees: interning never changes a value, only which equal copy an object holds; strings
/// short enough to be stored inline (no heap copy to share) are left alone; the table is
/// cleared when it reaches `capacity`, so names of long-deleted objects cannot pile up.
final class StringInterner: Sendable {
    /// Distinct strings kept: a few per live owner (its name and uid) plus the fixed keys, with
    /// headroom for thousands of owners; past it, sharing restarts from an empty table.
    static let capacity = 16_384
    /// Swift keeps strings of up to 15 UTF-8 bytes inline; only longer ones have a heap copy.
    static let inlineLimit = 15

    private let table = Mutex<Set<String>>([])

    var count: Int { table.withLock { $0.count } }

    /// `meta` with its repeated strings replaced by shared copies.
    func intern(_ meta: inout ObjectMeta) {
        table.withLock { t in
            func shared(_ s: String) -> String {
                guard s.utf8.count > Self.inlineLimit else { return s }
                if t.count >= Self.capacity, !t.contains(s) { t.removeAll(keepingCapacity: true) }
                return t.insert(s).memberAfterInsert
            }
            if let ns = meta.namespace { meta.namespace = shared(ns) }
            if let labels = meta.labels {
                meta.labels = Dictionary(uniqueKeysWithValues: labels.map { (shared($0.key), shared($0.value)) })
            }
            if let annotations = meta.annotations {
                // Keys only: values are often unique (hashes, timestamps) or large (last-applied).
                meta.annotations = Dictionary(uniqueKeysWithValues: annotations.map { (shared($0.key), $0.value) })
            }
            if var refs = meta.ownerReferences {
                for i in refs.indices {
                    refs[i].apiVersion = shared(refs[i].apiVersion)
                    refs[i].kind = shared(refs[i].kind)
                    refs[i].name = shared(refs[i].name)
                    refs[i].uid = shared(refs[i].uid)
                }
                meta.ownerReferences = refs
            }
        }
    }
}

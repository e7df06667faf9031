import Foundation
import KubeModel

/// Identifies one stored object.
struct ObjectRef: Hashable, Sendable {
    var groupResource: String
    var namespace: String
    var name: String
}

/// One registered watcher and what it asked for.
struct Watcher: Sendable {
    var connection: WatchConnection
    var namespace: String?
    var labels: LabelSelector
    var fields: FieldSelector
    var apiVersion: String
    var kind: String
}

/// Everything behind the server's single lock: the registry, the objects, the global
/// resourceVersion, the change history, the open watches and the counters.
///
/// Guarantees: every change goes through `commit`/`commitRemoval`, which bump the RV once, record
/// the change in the history and enqueue the watch frames in RV order; frames are only queued
/// here, delivered later on each watch's own queue.
struct ServerState: Sendable {
    var rv: Int64 = 0
    var registry = ResourceRegistry()
    var tables: [String: ResourceTable] = [:]
    var history: ChangeHistory
    var watchers: [String: [Int: Watcher]] = [:]
    var nextWatchID = 0
    var counts: [String: Int] = [:]
    var readinessDelay: Double?
    var blockedReadiness: Set<ObjectRef> = []
    /// Owner uid → objects whose ownerReferences name it (for garbage collection).
    var dependents: [String: Set<ObjectRef>] = [:]
    /// Deployment → pod-template JSON at its last rollout (for the revision annotation).
    var rolledOutTemplates: [ObjectRef: JSONValue] = [:]
    /// uid → object, for owner lookups by the garbage collector.
    var byUID: [String: ObjectRef] = [:]

    init(historySize: Int) { history = ChangeHistory(capacity: historySize) }

    func get(_ gr: String, _ ns: String, _ name: String) -> StoredObject? { tables[gr]?.get(ns, name) }

    func namespaceExists(_ ns: String) -> Bool { get("namespaces", "", ns) != nil }

    /// Stores `object` (create or update), bumping the RV; returns the stored form.
    @discardableResult
    mutating func commit(_ info: ResourceInfo, _ ns: String, _ name: String, _ object: JSONValue) -> JSONValue {
        var json: [UInt8]?
        return commit(info, ns, name, object, json: &json)
    }

    /// The stored form of a committed object and its JSON, encoded once for the writer's answer
    /// and every watcher of the same apiVersion.
    struct Committed {
        var object: JSONValue
        var json: [UInt8]
    }

    /// `commit`, also returning the stored form's JSON (the watchers' when one needed it).
    mutating func commitEncoded(_ info: ResourceInfo, _ ns: String, _ name: String, _ object: JSONValue) -> Committed {
        var json: [UInt8]?
        let stored = commit(info, ns, name, object, json: &json)
        return Committed(object: stored, json: json ?? JSONWire.bytes(stored))
    }

    /// `json` is left holding the stored form's JSON if a watcher needed it encoded.
    private mutating func commit(_ info: ResourceInfo, _ ns: String, _ name: String, _ object: JSONValue,
                                 json: inout [UInt8]?) -> JSONValue {
        rv += 1
        var obj = object
        obj[path: ["metadata", "resourceVersion"]] = .string(String(rv))
        let gr = info.groupResource
        let old = tables[gr]?.get(ns, name)
        tables[gr, default: ResourceTable()].put(ns, name, StoredObject(object: obj, createdRV: old?.createdRV ?? rv))
        reindexOwners(ObjectRef(groupResource: gr, namespace: ns, name: name), old: old?.object, new: obj)
        if old == nil, let uid = obj[path: ["metadata", "uid"]]?.stringValue {
            byUID[uid] = ObjectRef(groupResource: gr, namespace: ns, name: name)
        }
        let event = ChangeEvent(rv: rv, groupResource: gr, namespace: ns, kind: old == nil ? .added : .modified, object: obj, old: old?.object)
        history.append(event)
        publish(event, json: &json)
        return obj
    }

    /// Removes an object, bumping the RV; returns it as deleted (at the deletion's RV).
    @discardableResult
    mutating func commitRemoval(_ info: ResourceInfo, _ ns: String, _ name: String) -> JSONValue? {
        let gr = info.groupResource
        guard let old = tables[gr]?.remove(ns, name) else { return nil }
        rv += 1
        var obj = old.object
        obj[path: ["metadata", "resourceVersion"]] = .string(String(rv))
        reindexOwners(ObjectRef(groupResource: gr, namespace: ns, name: name), old: old.object, new: nil)
        if let uid = old.object[path: ["metadata", "uid"]]?.stringValue { byUID.removeValue(forKey: uid) }
        blockedReadiness.remove(ObjectRef(groupResource: gr, namespace: ns, name: name))
        rolledOutTemplates.removeValue(forKey: ObjectRef(groupResource: gr, namespace: ns, name: name))
        let event = ChangeEvent(rv: rv, groupResource: gr, namespace: ns, kind: .deleted, object: obj, old: old.object)
        history.append(event)
        var json: [UInt8]?
        publish(event, json: &json)
        return obj
    }

    private mutating func reindexOwners(_ ref: ObjectRef, old: JSONValue?, new: JSONValue?) {
        let before = Set(ServerState.ownerUIDs(old))
        let after = Set(ServerState.ownerUIDs(new))
        guard before != after else { return }
        for uid in before.subtracting(after) {
            dependents[uid]?.remove(ref)
            if dependents[uid]?.isEmpty == true { dependents.removeValue(forKey: uid) }
        }
        for uid in after.subtracting(before) { dependents[uid, default: []].insert(ref) }
    }

    static func ownerUIDs(_ object: JSONValue?) -> [String] {
        (object?[path: ["metadata", "ownerReferences"]]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue }
    }

    // MARK: - Watch fan-out

    /// What a watcher sees of a change, given its selectors: ADDED/MODIFIED/DELETED, a change that
    /// leaves its selection as DELETED and one that enters it as ADDED (as the watch cache does).
    static func visibleType(_ e: ChangeEvent, labels: LabelSelector, fields: FieldSelector) -> ChangeEvent.Kind? {
        func matches(_ o: JSONValue?) -> Bool {
            guard let o else { return false }
            return labels.matches(object: o) && fields.matches(object: o)
        }
        if labels.isEmpty && fields.isEmpty { return e.kind }
        switch e.kind {
        case .deleted: return matches(e.object) ? .deleted : nil
        case .added: return matches(e.object) ? .added : nil
        case .modified:
            let was = matches(e.old), now = matches(e.object)
            switch (was, now) {
            case (true, true): return .modified
            case (false, true): return .added
            case (true, false): return .deleted
            case (false, false): return nil
            }
        }
    }

    /// Queues `e`'s frame on every watcher that sees it. `json` is the stored object's JSON:
    /// used when given, and filled in when a watcher of the stored apiVersion needed it (a watcher
    /// of another version gets the object under its own apiVersion).
    private mutating func publish(_ e: ChangeEvent, json: inout [UInt8]?) {
        guard let ws = watchers[e.groupResource], !ws.isEmpty else { return }
        let storedVersion = e.object["apiVersion"]?.stringValue
        var cache: [String: Data] = [:]
        var dropped: [Int] = []
        for (id, w) in ws {
            if let ns = w.namespace, ns != e.namespace { continue }
            guard let type = ServerState.visibleType(e, labels: w.labels, fields: w.fields) else { continue }
            let cacheKey = type.rawValue + " " + w.apiVersion
            let frame: Data
            if let f = cache[cacheKey] {
                frame = f
            } else {
                let object: [UInt8]
                if w.apiVersion == storedVersion {
                    object = json ?? JSONWire.bytes(e.object)
                    json = object
                } else {
                    object = JSONWire.bytes(ServerState.withVersion(e.object, w.apiVersion))
                }
                frame = WatchFrames.event(type.rawValue, json: object)
                cache[cacheKey] = frame
            }
            if !w.connection.enqueue(frame) { dropped.append(id) }
        }
        for id in dropped {
            watchers[e.groupResource]?.removeValue(forKey: id)?.connection.finish(.finished)
        }
    }

    static func withVersion(_ object: JSONValue, _ apiVersion: String) -> JSONValue {
        if object["apiVersion"]?.stringValue == apiVersion { return object }
        var o = object
        o["apiVersion"] = .string(apiVersion)
        return o
    }

    mutating func removeWatcher(_ gr: String, _ id: Int) -> Watcher? {
        watchers[gr]?.removeValue(forKey: id)
    }
}

/// Watch event lines: compact JSON `{"type":..,"object":..}` + `\n`.
enum WatchFrames {
    static func event(_ type: String, _ object: JSONValue) -> Data {
        event(type, json: JSONWire.bytes(object))
    }

    /// The frame around an object already encoded.
    static func event(_ type: String, json object: [UInt8]) -> Data {
        var out = [UInt8]()
        out.reserveCapacity(object.count + 32)
        out.append(contentsOf: #"{"type":"#.utf8)
        JSONWire.writeString(type, into: &out)
        out.append(contentsOf: #","object":"#.utf8)
        out.append(contentsOf: object)
        out.append(UInt8(ascii: "}"))
        out.append(UInt8(ascii: "\n"))
        return Data(out)
    }

    static func bookmark(kind: String, apiVersion: String, rv: Int64, skeleton: [String: JSONValue], initialEventsEnd: Bool) -> Data {
        var meta: [String: JSONValue] = ["resourceVersion": .string(String(rv))]
        if initialEventsEnd { meta["annotations"] = [initialEventsEndAnnotation: "true"] }
        var obj = skeleton
        obj["kind"] = .string(kind)
        obj["apiVersion"] = .string(apiVersion)
        obj["metadata"] = .object(meta)
        return event("BOOKMARK", .object(obj))
    }

    static func error(_ status: APIStatus) -> Data {
        event("ERROR", StatusResponses.statusJSON(status))
    }
}

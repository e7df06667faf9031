import Foundation
import KubeModel

/// Server-side apply (`application/apply-patch+yaml`), as structured-merge-diff's `Updater.Apply`.
///
/// Guarantees: the configuration's values win over live ones; maps and structs merge key by key;
/// list-maps merge item by item by key (live order kept, new items appended in configuration
/// order); sets take the union; leaves and atomic nodes are replaced whole. Fields the manager
/// applied before and omits now are removed unless some manager (this one included, through another
/// entry) still owns them or something beneath them. The Apply entry owns exactly the fields of
/// the configuration. Defaulting is the caller's next step (the server defaults the merged object).
extension ManagedFields {
    /// Server-side apply of `config` onto `live` (nil: the object is created) by `manager`:
    /// merges maps and list-maps by key, removes fields this manager applied before and no longer
    /// applies (unless another manager also owns them), records an `Apply` entry. Throws
    /// `ApplyConflict` when a field owned by another manager would change and `force` is false;
    /// with `force` the applier takes those fields over.
    ///
    /// `resetFields` are the fields the endpoint ignores (the strategy's `GetResetFields`): they are
    /// left out of the Apply entry. nil picks the server's usual choice: `spec` for the `status`
    /// subresource, `status` for the main resource of built-in kinds that have a status subresource
    /// (custom resources: nothing, pass `status` when the CRD enables the subresource).
    public static func apply(config: JSONValue, to live: JSONValue?, manager: String, apiVersion: String, force: Bool,
                             subresource: String?, time: String, schema: StructuralSchema?,
                             resetFields: FieldSet? = nil) throws(ApplyConflict) -> JSONValue {
        var entries = entries(of: live, stored: true)
        var cleanConfig = config
        cleanConfig[path: ["metadata", "managedFields"]] = nil
        var liveObject = live
        liveObject?[path: ["metadata", "managedFields"]] = nil
        let type = rootType(of: liveObject ?? cleanConfig, schema: schema)

        let ignored = resetFields ?? defaultResetFields(of: liveObject ?? cleanConfig, subresource: subresource, schema: schema)
        // The endpoint resets these top-level fields to their live value: they are not merged in.
        for (element, node) in ignored.children where node.isMember && element.hasPrefix("f:") && liveObject != nil {
            cleanConfig[String(element.dropFirst(2))] = nil
        }
        var merged = liveObject.map { merge(live: $0, config: cleanConfig, type: type) } ?? cleanConfig
        let applied = FieldSetCompute.fields(of: cleanConfig, type: type).subtracting(FieldSet.untracked).subtractingRecursively(ignored)

        let before = comparable(liveObject, like: merged, schema: schema)
        let after = comparable(merged, like: merged, schema: schema)
        var (changed, removed) = FieldSetCompute.diff(old: before, new: after, type: type)
        changed = changed.subtracting(FieldSet.untracked).subtractingRecursively(ignored)
        removed = removed.subtracting(FieldSet.untracked).subtractingRecursively(ignored)

        let selfIndex = entries.firstIndex { $0.sameIdentity(manager: manager, operation: "Apply", apiVersion: apiVersion, subresource: subresource) }
        var conflicts: [ApplyConflict.Item] = []
        for (i, entry) in entries.enumerated() where i != selfIndex {
            for path in entry.fields.intersection(changed).memberPaths {
                conflicts.append(ApplyConflict.Item(manager: entry.manager, field: FieldSet.render(path)))
            }
        }
        if !force, !conflicts.isEmpty { throw ApplyConflict(conflicts: conflicts) }

        let lastApplied = selfIndex.map { entries[$0].fields } ?? FieldSet()
        let previousTime = selfIndex.flatMap { entries[$0].time }
        for i in entries.indices where i != selfIndex {
            entries[i].release(changed, removed)
        }
        if let selfIndex { entries.remove(at: selfIndex) }
        let owned = entries.reduce(applied) { $0.union($1.fields) }
        merged = removeUnowned(merged, lastApplied: lastApplied, owned: owned, type: type)

        let objectChanged = liveObject.map { comparable($0, like: merged, schema: schema) != comparable(merged, like: merged, schema: schema) } ?? true
        let entryTime = objectChanged || previousTime == nil ? time : previousTime
        entries.removeAll { $0.fields.isEmpty }
        entries.append(Entry(manager: manager, operation: "Apply", apiVersion: apiVersion, time: entryTime, subresource: subresource, fields: applied))
        return writing(entries, to: merged)
    }

    /// Kinds whose `status` is a subresource (main-resource writes do not own it).
    static let builtinKindsWithStatus: Set<String> = [
        "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet", "Pod", "Service", "HorizontalPodAutoscaler", "Namespace",
    ]

    static func defaultResetFields(of object: JSONValue, subresource: String?, schema: StructuralSchema?) -> FieldSet {
        var set = FieldSet()
        if subresource == "status" {
            set.insert(["f:spec"])
        } else if subresource == nil, schema == nil, builtinKindsWithStatus.contains(object["kind"]?.stringValue ?? "") {
            set.insert(["f:status"])
        }
        return set
    }

    /// `live` with `config` merged in by the rules of `type` (a null in the configuration removes the field).
    static func merge(live: JSONValue, config: JSONValue, type: FieldType) -> JSONValue {
        switch (type, live, config) {
        case (.object, .object(var out), .object(let patch)):
            for (key, value) in patch {
                if value.isNull { out[key] = nil; continue }
                let childType = type.child(key, value: value).type
                out[key] = out[key].map { merge(live: $0, config: value, type: childType) } ?? value
            }
            return .object(out)
        case (.listMap, .array(let liveItems), .array(let configItems)), (.set, .array(let liveItems), .array(let configItems)):
            let configKeyed = FieldSetCompute.keyed(configItems, type: type)
            var out: [JSONValue] = []
            var seen = Set<String>()
            for (i, item) in liveItems.enumerated() {
                let element = type.itemElement(item, index: i)
                seen.insert(element)
                if let patch = configKeyed.byElement[element] {
                    out.append(merge(live: item, config: patch, type: type.elementType))
                } else {
                    out.append(item)
                }
            }
            for (element, item) in configKeyed.items where !seen.contains(element) { out.append(item) }
            return .array(out)
        default:
            return config
        }
    }

    /// Removes from `value` what `lastApplied` holds as members and no manager owns any more (not the
    /// node, nothing beneath it); recurses where some of it is still owned.
    static func removeUnowned(_ value: JSONValue, lastApplied: FieldSet, owned: FieldSet?, type: FieldType) -> JSONValue {
        switch value {
        case .object(var map):
            for (element, last) in lastApplied.children where element.hasPrefix("f:") {
                let key = String(element.dropFirst(2))
                guard let child = map[key] else { continue }
                let childOwned = owned?.children[element]
                if last.isMember, childOwned?.isEmpty ?? true {
                    map[key] = nil
                } else {
                    map[key] = removeUnowned(child, lastApplied: last, owned: childOwned, type: type.child(key, value: child).type)
                }
            }
            return .object(map)
        case .array(let items):
            var out: [JSONValue] = []
            for (i, item) in items.enumerated() {
                let element = type.itemElement(item, index: i)
                guard let last = lastApplied.children[element] else { out.append(item); continue }
                let itemOwned = owned?.children[element]
                if last.isMember, itemOwned?.isEmpty ?? true { continue }
                out.append(removeUnowned(item, lastApplied: last, owned: itemOwned, type: type.elementType))
            }
            return .array(out)
        default:
            return value
        }
    }
}

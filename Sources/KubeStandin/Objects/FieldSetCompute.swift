import Foundation
import KubeModel

/// The two ways structured-merge-diff turns objects into field sets.
enum FieldSetCompute {
    /// The fields an applied configuration sets (`TypedValue.ToFieldSet`): every scalar, every
    /// leaf (atomic) node, every list item (as a member, hence `".": {}` under `k:`), empty or null
    /// values, and map elements; declared struct fields are only paths to their children.
    static func fields(of value: JSONValue, type: FieldType) -> FieldSet {
        switch (type, value) {
        case (.object, .object(let map)):
            var set = FieldSet()
            for (key, child) in map {
                let (childType, declared) = type.child(key, value: child)
                var childSet = fields(of: child, type: childType)
                if child.isNull || child.objectValue?.isEmpty == true || !declared { childSet.isMember = true }
                if !childSet.isEmpty { set.children["f:" + key] = childSet }
            }
            return set
        case (.listMap, .array(let items)), (.set, .array(let items)):
            var set = FieldSet()
            for (i, item) in items.enumerated() {
                var itemSet = fields(of: item, type: type.elementType)
                itemSet.isMember = true
                set.children[type.itemElement(item, index: i)] = itemSet
            }
            return set
        default:
            return FieldSet(isMember: true)
        }
    }

    /// What changed from `old` to `new` (`TypedValue.Compare`): `changed` holds added and modified
    /// paths, `removed` the paths gone. A map or list absent before and present now is itself added
    /// (the `".": {}` marker of Update entries); one present before (even empty or null) is not.
    static func diff(old: JSONValue?, new: JSONValue?, type: FieldType) -> (changed: FieldSet, removed: FieldSet) {
        var changed = FieldSet(), removed = FieldSet()
        guard old != nil || new != nil else { return (changed, removed) }
        // Identical subtrees differ nowhere. A patched object shares its unchanged subtrees with
        // the old one, so this test is a storage-identity check there, not a walk.
        if let old, let new, old == new { return (changed, removed) }
        let isEmptyOrNull: (JSONValue?) -> Bool = { v in
            guard let v else { return true }
            return v.isNull || v.objectValue?.isEmpty == true || v.arrayValue?.isEmpty == true
        }
        func leaf() {
            if old == nil { changed.isMember = true }
            else if new == nil { removed.isMember = true }
            else if !JSONPatch.deepEqual(old!, new!) { changed.isMember = true }
        }
        switch type {
        case .leaf:
            leaf()
        case .object:
            let o = old?.objectValue, n = new?.objectValue
            if (o == nil && !(old?.isNull ?? true)) || (n == nil && !(new?.isNull ?? true)) || (isEmptyOrNull(old) && isEmptyOrNull(new)) {
                leaf()  // not an object on one side (a type change), or empty on both: compared as a leaf
                break
            }
            if old == nil { changed.isMember = true }
            if new == nil { removed.isMember = true }
            for key in Set((o ?? [:]).keys).union((n ?? [:]).keys) {
                let (childType, _) = type.child(key, value: n?[key] ?? o?[key])
                let sub = diff(old: o?[key], new: n?[key], type: childType)
                if !sub.changed.isEmpty { changed.children["f:" + key] = sub.changed }
                if !sub.removed.isEmpty { removed.children["f:" + key] = sub.removed }
            }
        case .listMap, .set:
            let o = old?.arrayValue, n = new?.arrayValue
            if (o == nil && !(old?.isNull ?? true)) || (n == nil && !(new?.isNull ?? true)) || (isEmptyOrNull(old) && isEmptyOrNull(new)) {
                leaf()
                break
            }
            if old == nil { changed.isMember = true }
            if new == nil { removed.isMember = true }
            let oldItems = keyed(o ?? [], type: type), newItems = keyed(n ?? [], type: type)
            for (element, newItem) in newItems.items {
                let sub = diff(old: oldItems.byElement[element], new: newItem, type: type.elementType)
                if !sub.changed.isEmpty { changed.children[element] = sub.changed }
                if !sub.removed.isEmpty { removed.children[element] = sub.removed }
            }
            for (element, _) in oldItems.items where newItems.byElement[element] == nil {
                removed.children[element] = FieldSet(isMember: true)
            }
        }
        return (changed.normalized(), removed.normalized())
    }

    /// List items by path element, in list order; a duplicated element keeps its first item.
    static func keyed(_ items: [JSONValue], type: FieldType) -> (items: [(String, JSONValue)], byElement: [String: JSONValue]) {
        var ordered: [(String, JSONValue)] = []
        var byElement: [String: JSONValue] = [:]
        for (i, item) in items.enumerated() {
            let element = type.itemElement(item, index: i)
            if byElement[element] == nil {
                byElement[element] = item
                ordered.append((element, item))
            }
        }
        return (ordered, byElement)
    }
}

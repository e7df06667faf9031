import KubeModel

/// Decides whether a live object already carries everything the operator declares for it.
///
/// Guarantee: `satisfies(live:desired:)` is true exactly when every field present in `desired`
/// has the same value in `live`. Fields that exist only in `live` (server defaults, fields other
/// managers own such as the `kubectl rollout restart` annotation or HPA-driven replicas) never
/// count as drift, so applying is skipped for an unchanged graph and others' edits are left alone.
///
/// Lists of objects are compared the way server-side apply merges them: by their merge key
/// (`name`, `containerPort`, `port`, `mountPath`, `ip`) when every desired element has one,
/// otherwise position by position with equal length (atomic lists such as `args`).
public enum OwnedFields {
    /// Keys that identify an element of an associative list, in the order they are tried.
    static let mergeKeys = ["name", "containerPort", "port", "mountPath", "ip"]

    public static func satisfies(live: JSONValue?, desired: JSONValue) -> Bool {
        guard let live else { return false }
        switch (desired, live) {
        case (.object(let want), .object(let have)):
            for (key, value) in want {
                guard satisfies(live: have[key], desired: value) else { return false }
            }
            return true
        case (.array(let want), .array(let have)):
            return arraySatisfied(live: have, desired: want)
        default:
            return desired.sameValue(as: live)
        }
    }

    /// The first field path (dotted) at which `live` lacks what `desired` declares; nil when satisfied.
    /// Used to say in an event why an update was needed.
    public static func firstDrift(live: JSONValue?, desired: JSONValue, path: String = "") -> String? {
        guard let live else { return path.isEmpty ? "." : path }
        switch (desired, live) {
        case (.object(let want), .object(let have)):
            for key in want.keys.sorted() {
                if let p = firstDrift(live: have[key], desired: want[key]!, path: path + "." + key) { return p }
            }
            return nil
        default:
            return satisfies(live: live, desired: desired) ? nil : (path.isEmpty ? "." : path)
        }
    }

    private static func arraySatisfied(live: [JSONValue], desired: [JSONValue]) -> Bool {
        if let key = mergeKey(for: desired) {
            for element in desired {
                let id = element[key]!
                guard let match = live.first(where: { $0[key]?.sameValue(as: id) ?? false }),
                    satisfies(live: match, desired: element)
                else { return false }
            }
            return true
        }
        guard live.count == desired.count else { return false }
        return zip(live, desired).allSatisfy { satisfies(live: $0, desired: $1) }
    }

    private static func mergeKey(for elements: [JSONValue]) -> String? {
        guard !elements.isEmpty, elements.allSatisfy({ $0.objectValue != nil }) else { return nil }
        return mergeKeys.first { key in elements.allSatisfy { $0[key] != nil } }
    }
}

import KubeModel

/// Merges the generated pod template over a user's partial `podTemplate`.
///
/// Objects merge recursively and the generated side wins on every field it sets. Lists of named
/// entries (`containers`, `initContainers`, `volumes`, `env`, `ports`, `volumeMounts`) merge by
/// `name` — entries only the user wrote are kept in their order, generated entries follow in
/// theirs (`main` first among containers) — and other lists are replaced by the generated one.
public enum PodTemplateMerge {
    static let namedLists: Set<String> = ["containers", "initContainers", "volumes", "env", "ports", "volumeMounts"]

    public static func merge(user: JSONValue?, generated: JSONValue) -> JSONValue {
        guard let user else { return generated }
        return merge(user, generated, key: nil)
    }

    static func merge(_ base: JSONValue, _ over: JSONValue, key: String?) -> JSONValue {
        switch (base, over) {
        case (.object(let b), .object(let o)):
            var out = b
            for (k, v) in o { out[k] = b[k].map { merge($0, v, key: k) } ?? v }
            return .object(out)
        case (.array(let b), .array(let o)) where key.map(namedLists.contains) == true:
            return .array(mergeNamed(b, o, key: key!))
        default:
            return over
        }
    }

    static func mergeNamed(_ base: [JSONValue], _ over: [JSONValue], key: String) -> [JSONValue] {
        let overNames = over.compactMap { $0["name"]?.stringValue }
        let baseByName = Dictionary(base.compactMap { e in e["name"]?.stringValue.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
        let merged = over.map { e -> JSONValue in
            // An env entry is `value` xor `valueFrom`: the generated one replaces the user's whole.
            guard key != "env", let n = e["name"]?.stringValue, let b = baseByName[n] else { return e }
            return merge(b, e, key: nil)
        }
        let userOnly = base.filter { e in !(e["name"]?.stringValue.map(overNames.contains) ?? false) }
        // Generated containers come first so `main` is the default container for kubectl.
        return key == "containers" ? merged + userOnly : userOnly + merged
    }
}

import Foundation
import KubeModel

/// Tuning: how often a list waiting for a resourceVersion the server has not reached yet
/// (`APIServer.Options.futureResourceVersionWait`) looks again: far below the wait, cheap.
let futureResourceVersionPoll: TimeInterval = 0.01

/// Which state a list is served from, by `resourceVersion`, `resourceVersionMatch`, `limit` and
/// `continue`, as the API concepts' table for list has it:
///
/// | resourceVersionMatch | paging | unset | "0" | "N" |
/// |---|---|---|---|---|
/// | unset | no limit | most recent | any | not older than N |
/// | unset | limit, no continue | most recent | any | exactly N |
/// | unset | continue | the token's N, exactly | the token's N, exactly | 400 |
/// | Exact | | 422 | 422 | exactly N |
/// | NotOlderThan | | 422 | any | not older than N |
///
/// The stand-in's state is never stale, so "most recent" and "any" are both the current state.
enum ListRead: Equatable {
    /// The current state.
    case current
    /// The current state, once the server has reached this resourceVersion.
    case notOlderThan(Int64)
    /// The state at exactly this resourceVersion (the current one with every later change undone).
    case exact(Int64)

    /// The resourceVersion the server must have reached to answer, if any.
    var minimum: Int64? {
        switch self {
        case .current: return nil
        case .notOlderThan(let rv), .exact(let rv): return rv
        }
    }

    /// The read `query` asks for (`token`: its decoded `continue`), or the Status the real server
    /// answers instead: 422 `ListOptions.meta.k8s.io "" is invalid` for what ValidateListOptions
    /// refuses, 400 for a resourceVersion that is not a number or that comes with a token.
    static func parse(_ query: [String: String], token: ContinueToken?) -> Result<ListRead, APIStatus> {
        let rv = query["resourceVersion"] ?? ""
        let match = query["resourceVersionMatch"] ?? ""
        var errors: [FieldError] = []
        if !match.isEmpty {
            if rv.isEmpty {
                errors.append(FieldError(.forbidden, field: "resourceVersionMatch", detail: "resourceVersionMatch is forbidden unless resourceVersion is provided"))
            }
            if token != nil {
                errors.append(FieldError(.forbidden, field: "resourceVersionMatch", detail: "resourceVersionMatch is forbidden when continue is provided"))
            }
            if match != "Exact" && match != "NotOlderThan" {
                errors.append(FieldError(.notSupported, field: "resourceVersionMatch", value: .string(match),
                                         detail: BuiltinValidation.supported(["Exact", "NotOlderThan", ""])))
            }
            if match == "Exact" && rv == "0" {
                errors.append(FieldError(.forbidden, field: "resourceVersionMatch", detail: "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""))
            }
        }
        if query["sendInitialEvents"] != nil {
            errors.append(FieldError(.forbidden, field: "sendInitialEvents", detail: "sendInitialEvents is forbidden for list"))
        }
        if !errors.isEmpty {
            return .failure(StatusResponses.invalid(kind: "ListOptions", group: "meta.k8s.io", name: "", errors: errors))
        }
        if let token {
            guard rv.isEmpty || rv == "0" else {
                return .failure(StatusResponses.badRequest("specifying resource version is not allowed when using continue"))
            }
            return .success(.exact(token.resourceVersion))
        }
        if rv.isEmpty || rv == "0" { return .success(.current) }
        guard let n = UInt64(rv), let requested = Int64(exactly: n) else {
            let reason = rv.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) ? "value out of range" : "invalid syntax"
            return .failure(StatusResponses.badRequest(
                "invalid resource version: resourceVersion: Invalid value: \(JSONWire.quoted(rv)): strconv.ParseUint: parsing \(JSONWire.quoted(rv)): \(reason)"))
        }
        let limited = (Int(query["limit"] ?? "") ?? 0) > 0
        return .success(match == "Exact" || (match.isEmpty && limited) ? .exact(requested) : .notOlderThan(requested))
    }
}

extension ServerState {
    /// The objects of `groupResource` (in `namespace`, or every namespace when nil) as they were
    /// at `rv`, in key order (namespace, then name): the stored ones with every later change
    /// undone. `rv` must not be below `history.compactedRV`, where changes may be gone.
    func objects(_ groupResource: String, namespace: String?, at rv: Int64) -> [(namespace: String, name: String, object: JSONValue)] {
        struct Key: Hashable {
            var namespace: String
            var name: String
        }
        var objects: [Key: JSONValue] = [:]
        if let table = tables[groupResource] {
            for ns in namespace.map({ [$0] }) ?? table.namespaces {
                for (name, stored) in table.buckets[ns]?.objects ?? [:] { objects[Key(namespace: ns, name: name)] = stored.object }
            }
        }
        for change in history.events(after: rv, groupResource: groupResource, namespace: namespace).reversed() {
            let key = Key(namespace: change.namespace, name: change.object[path: ["metadata", "name"]]?.stringValue ?? "")
            switch change.kind {
            case .added: objects[key] = nil
            case .modified, .deleted: objects[key] = change.old
            }
        }
        return objects.sorted { ($0.key.namespace, $0.key.name) < ($1.key.namespace, $1.key.name) }
            .map { (namespace: $0.key.namespace, name: $0.key.name, object: $0.value) }
    }
}

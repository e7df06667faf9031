/// The group, resource, namespace, name and subresource a Kubernetes API path addresses, as
/// far as the transport needs them to word a 403 like the real server. The core parses paths
/// for real; this is only used for authorization rules.
struct ResourcePath: Sendable, Equatable {
    var group: String
    var resource: String
    var namespace: String?
    var name: String?
    var subresource: String?

    /// `deployments.apps`, or `pods` for the core group.
    var groupResource: String { group.isEmpty ? resource : "\(resource).\(group)" }

    /// Parses `/api/v1/...` and `/apis/<group>/<version>/...`; nil for discovery and other paths.
    init?(_ path: String) {
        let parts = path.split(separator: "/").map(String.init)
        var rest: ArraySlice<String>
        if parts.first == "api", parts.count >= 2 {
            group = ""
            rest = parts[2...]
        } else if parts.first == "apis", parts.count >= 3 {
            group = parts[1]
            rest = parts[3...]
        } else {
            return nil
        }
        guard let first = rest.first else { return nil }
        if first == "namespaces", rest.count >= 3 {
            namespace = rest[rest.startIndex + 1]
            rest = rest.dropFirst(2)
        }
        let items = Array(rest)
        guard !items.isEmpty else { return nil }
        resource = items[0]
        name = items.count > 1 ? items[1] : nil
        subresource = items.count > 2 ? items[2] : nil
    }
}

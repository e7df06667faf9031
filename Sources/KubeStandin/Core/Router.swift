import Foundation
import KubeModel

/// What a request path addresses.
struct Target: Sendable {
    var info: ResourceInfo
    var version: String
    var namespace: String?
    var name: String?
    var subresource: String?

    var apiVersion: String { info.apiVersion(version) }
    var storageNamespace: String { info.namespaced ? (namespace ?? "") : "" }
}

enum Route: Sendable {
    case health, version, apiVersions, groupList
    case group(String)
    case resourceList(String, String)
    case resource(Target)
    /// `/openapi/v3`, `/openapi/v3/<group-version path>`, `/openapi/v2`.
    case openAPIV3Root, openAPIV3(String), openAPIV2
    case notFound
}

/// Maps URL paths onto discovery documents and resources.
enum Router {
    static func isWrite(_ method: String) -> Bool { ["POST", "PUT", "PATCH", "DELETE"].contains(method) }

    static func route(_ path: String, _ registry: ResourceRegistry) -> Route {
        let parts = path.split(separator: "/").map(String.init)
        guard let first = parts.first else { return .notFound }
        switch first {
        case "version": return parts.count == 1 ? .version : .notFound
        case "healthz", "readyz", "livez": return .health
        case "openapi":
            if parts.count == 2, parts[1] == "v2" { return .openAPIV2 }
            guard parts.count >= 2, parts[1] == "v3" else { return .notFound }
            return parts.count == 2 ? .openAPIV3Root : .openAPIV3(parts.dropFirst(2).joined(separator: "/"))
        case "api":
            if parts.count == 1 { return .apiVersions }
            guard parts[1] == "v1" else { return .notFound }
            if parts.count == 2 { return .resourceList("", "v1") }
            return resource("", "v1", Array(parts.dropFirst(2)), registry)
        case "apis":
            if parts.count == 1 { return .groupList }
            let group = parts[1]
            let versions = registry.versions(of: group)
            guard !versions.isEmpty else { return .notFound }
            if parts.count == 2 { return .group(group) }
            guard versions.contains(parts[2]) else { return .notFound }
            if parts.count == 3 { return .resourceList(group, parts[2]) }
            return resource(group, parts[2], Array(parts.dropFirst(3)), registry)
        default: return .notFound
        }
    }

    private static func resource(_ group: String, _ version: String, _ rest: [String], _ registry: ResourceRegistry) -> Route {
        var namespace: String?
        var tail = rest
        if rest.count >= 3, rest[0] == "namespaces", let info = registry.lookup(group: group, version: version, plural: rest[2]), info.namespaced {
            namespace = rest[1]
            tail = Array(rest.dropFirst(2))
        }
        guard !tail.isEmpty, tail.count <= 3, let info = registry.lookup(group: group, version: version, plural: tail[0]) else { return .notFound }
        if !info.namespaced && namespace != nil { return .notFound }
        let name = tail.count > 1 ? tail[1] : nil
        let sub = tail.count > 2 ? tail[2] : nil
        if info.namespaced && namespace == nil && name != nil { return .notFound }
        if let sub {
            let ok = (sub == "status" && info.hasStatus) || (sub == "scale" && info.hasScale)
            if !ok { return .notFound }
        }
        return .resource(Target(info: info, version: version, namespace: namespace, name: name, subresource: sub))
    }

    /// The Kubernetes verb, exactly (the request's own `verb` only guesses list vs get).
    static func verb(_ request: StandinRequest, _ target: Target) -> String {
        switch request.method {
        case "GET":
            if target.name == nil { return (request.query["watch"] == "true" || request.query["watch"] == "1") ? "watch" : "list" }
            return "get"
        case "POST": return "create"
        case "PUT": return "update"
        case "PATCH": return "patch"
        case "DELETE": return target.name == nil ? "deletecollection" : "delete"
        default: return request.method.lowercased()
        }
    }
}

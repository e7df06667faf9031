import Foundation
import KubeModel

/// Discovery documents in the real server's shapes (transcripts 01–03).
enum Discovery {
    static let serverAddress = "127.0.0.1:6443"

    /// `/version` (transcript 03): the stand-in reports the version it imitates.
    static func version() -> JSONValue {
        [
            "major": "1", "minor": "36", "emulationMajor": "1", "emulationMinor": "36",
            "minCompatibilityMajor": "1", "minCompatibilityMinor": "35",
            "gitVersion": "v1.36.2-standin", "gitCommit": "0000000000000000000000000000000000000000",
            "gitTreeState": "clean", "buildDate": "2026-11-22T14:21:10Z", "goVersion": "go1.26.4",
            "compiler": "gc", "platform": "linux/amd64",
        ]
    }

    /// `/api` (transcript 01).
    static func apiVersions() -> JSONValue {
        ["kind": "APIVersions", "versions": ["v1"],
         "serverAddressByClientCIDRs": [["clientCIDR": "0.0.0.0/0", "serverAddress": .string(serverAddress)]]]
    }

    private static func groupJSON(_ group: String, _ registry: ResourceRegistry) -> JSONValue {
        let versions = registry.versions(of: group)
        let vs: [JSONValue] = versions.map { ["groupVersion": .string("\(group)/\($0)"), "version": .string($0)] }
        return ["name": .string(group), "versions": .array(vs), "preferredVersion": vs.first ?? [:]]
    }

    /// `/apis`: APIGroupList.
    static func groupList(_ registry: ResourceRegistry) -> JSONValue {
        ["kind": "APIGroupList", "apiVersion": "v1", "groups": .array(registry.groups.map { groupJSON($0, registry) })]
    }

    /// `/apis/<group>`: APIGroup.
    static func group(_ group: String, _ registry: ResourceRegistry) -> JSONValue {
        var g = groupJSON(group, registry)
        g["kind"] = "APIGroup"
        g["apiVersion"] = "v1"
        return g
    }

    /// `/api/v1`, `/apis/<group>/<version>`: APIResourceList (transcript 02).
    static func resourceList(group: String, version: String, _ registry: ResourceRegistry) -> JSONValue {
        var items: [JSONValue] = []
        for info in registry.resources(group: group, version: version) {
            var r: [String: JSONValue] = [
                "name": .string(info.plural), "singularName": .string(info.singular),
                "namespaced": .bool(info.namespaced), "kind": .string(info.kind),
                "verbs": .array(info.verbs.map { .string($0) }),
            ]
            if !info.shortNames.isEmpty { r["shortNames"] = .array(info.shortNames.map { .string($0) }) }
            if !info.categories.isEmpty { r["categories"] = .array(info.categories.map { .string($0) }) }
            if let h = info.storageVersionHash { r["storageVersionHash"] = .string(h) }
            items.append(.object(r))
            if info.hasScale {
                items.append(["name": .string(info.plural + "/scale"), "singularName": "", "namespaced": .bool(info.namespaced),
                              "group": "autoscaling", "version": "v1", "kind": "Scale", "verbs": ["get", "patch", "update"]])
            }
            if info.hasStatus {
                items.append(["name": .string(info.plural + "/status"), "singularName": "", "namespaced": .bool(info.namespaced),
                              "kind": .string(info.kind), "verbs": ["get", "patch", "update"]])
            }
        }
        var list: JSONValue = ["kind": "APIResourceList", "groupVersion": .string(group.isEmpty ? version : "\(group)/\(version)"),
                               "resources": .array(items)]
        // The core group's list carries no apiVersion on the real server; named groups' do.
        if !group.isEmpty { list["apiVersion"] = "v1" }
        return list
    }
}

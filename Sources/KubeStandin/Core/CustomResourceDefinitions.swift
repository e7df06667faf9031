import Foundation
import KubeModel

/// What a CustomResourceDefinition registers, and the status the apiextensions controllers
/// would write for it (NamesAccepted and Established, `acceptedNames`, `storedVersions`).
enum CustomResourceDefinitions {
    /// The resource a CRD serves; nil when the CRD lacks group, names or served versions.
    static func resource(from crd: JSONValue) -> ResourceInfo? {
        guard let spec = crd["spec"], let group = spec["group"]?.stringValue,
              let names = spec["names"], let plural = names["plural"]?.stringValue,
              let kind = names["kind"]?.stringValue else { return nil }
        let served = (spec["versions"]?.arrayValue ?? []).filter { $0["served"]?.boolValue ?? true }
        guard !served.isEmpty else { return nil }
        var versions: [String] = []
        var schemas: [String: StructuralSchema] = [:]
        var hasStatus = false
        var hasScale = false
        for v in served {
            guard let name = v["name"]?.stringValue else { continue }
            versions.append(name)
            if let schema = v[path: ["schema", "openAPIV3Schema"]] { schemas[name] = StructuralSchema(openAPIV3Schema: schema) }
            if v[path: ["subresources", "status"]] != nil { hasStatus = true }
            if v[path: ["subresources", "scale"]] != nil { hasScale = true }
        }
        versions.sort(by: KubeVersionOrder.higher)
        return ResourceInfo(
            group: group, plural: plural,
            singular: names["singular"]?.stringValue ?? kind.lowercased(),
            kind: kind, listKind: names["listKind"]?.stringValue ?? kind + "List",
            versions: versions,
            namespaced: (spec["scope"]?.stringValue ?? "Namespaced") == "Namespaced",
            shortNames: names["shortNames"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            categories: names["categories"]?.arrayValue?.compactMap(\.stringValue) ?? [],
            hasStatus: hasStatus, hasScale: hasScale, hasGeneration: true, isCustom: true, schemas: schemas,
            errorGroup: group, crdName: crd[path: ["metadata", "name"]]?.stringValue)
    }

    /// The CRD with the status the apiextensions controllers write once names are accepted.
    static func established(_ crd: JSONValue, now: String) -> JSONValue {
        var out = crd
        let names = crd[path: ["spec", "names"]] ?? [:]
        var accepted = names
        if accepted["singular"] == nil, let k = names["kind"]?.stringValue { accepted["singular"] = .string(k.lowercased()) }
        if accepted["listKind"] == nil, let k = names["kind"]?.stringValue { accepted["listKind"] = .string(k + "List") }
        let storage = (crd[path: ["spec", "versions"]]?.arrayValue ?? []).first { $0["storage"]?.boolValue == true }?["name"]
        func condition(_ type: String, _ reason: String, _ message: String) -> JSONValue {
            ["type": .string(type), "status": "True", "lastTransitionTime": .string(now), "reason": .string(reason), "message": .string(message)]
        }
        var status = crd["status"] ?? [:]
        status["conditions"] = [
            condition("NamesAccepted", "NoConflicts", "no conflicts found"),
            condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
        ]
        status["acceptedNames"] = accepted
        var stored = status["storedVersions"]?.arrayValue ?? []
        if let storage, !stored.contains(storage) { stored.append(storage) }
        status["storedVersions"] = .array(stored)
        out["status"] = status
        return out
    }
}

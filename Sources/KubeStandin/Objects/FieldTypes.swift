import Foundation
import KubeModel

/// What server-side apply and managed fields need to know about a node of an object: whether it is
/// a leaf (scalar, atomic struct/map/list), a struct or map, a list-map (merged by key) or a set.
public indirect enum FieldType: Sendable {
    /// A scalar, or a struct/map/list replaced as a whole (`x-kubernetes-map-type: atomic`,
    /// `+structType=atomic`, lists without a list type).
    case leaf
    /// An object: declared `fields`, and what undeclared keys are (`rest`).
    case object(fields: [String: FieldType], rest: Rest)
    /// `x-kubernetes-list-type: map`: items identified by `keys`; `defaults` fill absent key fields.
    case listMap(keys: [String], defaults: [String: JSONValue], element: FieldType)
    /// `x-kubernetes-list-type: set`: scalar items identified by value.
    case set

    public enum Rest: Sendable {
        /// A built-in Go struct: every key is a declared field; nested objects are structs, lists atomic.
        case builtinStruct
        /// A map (`additionalProperties`, labels): every key is an element of this type.
        case elements(FieldType)
        /// Unknown content (`x-kubernetes-preserve-unknown-fields`): maps of deduced values, lists atomic.
        case deduced
    }

    /// The type of `key` in this object given its value, and whether it is a declared field
    /// (structured-merge-diff records undeclared keys, i.e. map elements, as members).
    func child(_ key: String, value: JSONValue?) -> (type: FieldType, declared: Bool) {
        guard case .object(let fields, let rest) = self else { return (.leaf, true) }
        if let t = fields[key] { return (t, true) }
        let isObject = value?.objectValue != nil
        switch rest {
        case .builtinStruct: return (isObject ? .object(fields: [:], rest: .builtinStruct) : .leaf, true)
        case .elements(let t): return (t, false)
        case .deduced: return (isObject ? .object(fields: [:], rest: .deduced) : .leaf, false)
        }
    }

    /// The fieldsV1 path element of item `index` of a list of this type.
    func itemElement(_ item: JSONValue, index: Int) -> String {
        switch self {
        case .listMap(let keys, let defaults, _):
            var parts: [String] = []
            for key in keys {
                guard let v = item[key] ?? defaults[key] else { continue }
                parts.append("\"\(key)\":" + v.jsonString())
            }
            return parts.isEmpty ? "i:\(index)" : "k:{" + parts.joined(separator: ",") + "}"
        case .set: return "v:" + item.jsonString()
        default: return "i:\(index)"
        }
    }

    var elementType: FieldType {
        if case .listMap(_, _, let element) = self { return element }
        return .leaf
    }
}

/// The field types of built-in kinds (from the `+listType`, `+listMapKey`, `+mapType` and
/// `+structType` markers of k8s.io/api) and of custom resources (from their schema).
public enum FieldTypes {
    static func obj(_ fields: [String: FieldType]) -> FieldType { .object(fields: fields, rest: .builtinStruct) }
    static let stringMap = FieldType.object(fields: [:], rest: .elements(.leaf))
    static func byKeys(_ keys: [String], _ element: FieldType = obj([:]), defaults: [String: JSONValue] = [:]) -> FieldType {
        .listMap(keys: keys, defaults: defaults, element: element)
    }

    public static let objectMeta = obj([
        "labels": stringMap, "annotations": stringMap, "finalizers": .set, "ownerReferences": byKeys(["uid"]),
    ])
    static let conditions = byKeys(["type"])
    /// Container and Service port keys default `protocol` to TCP, as the OpenAPI schema does.
    static let tcpDefault: [String: JSONValue] = ["protocol": "TCP"]

    static let container = obj([
        "ports": byKeys(["containerPort", "protocol"], defaults: tcpDefault),
        "env": byKeys(["name"], obj(["valueFrom": obj([
            "fieldRef": .leaf, "secretKeyRef": .leaf, "configMapKeyRef": .leaf, "resourceFieldRef": .leaf,
        ])])),
        "volumeMounts": byKeys(["mountPath"]),
        "volumeDevices": byKeys(["devicePath"]),
        "resources": obj(["limits": stringMap, "requests": stringMap, "claims": byKeys(["name"])]),
    ])

    static let podSpec = obj([
        "containers": byKeys(["name"], container),
        "initContainers": byKeys(["name"], container),
        "ephemeralContainers": byKeys(["name"], container),
        "volumes": byKeys(["name"]),
        "imagePullSecrets": byKeys(["name"]),
        "hostAliases": byKeys(["ip"]),
        "topologySpreadConstraints": byKeys(["topologyKey", "whenUnsatisfiable"]),
        "schedulingGates": byKeys(["name"]),
        "resourceClaims": byKeys(["name"]),
        "overhead": stringMap,
        // nodeSelector is `+mapType=atomic`; tolerations and readinessGates are atomic lists.
    ])

    static let podTemplate = obj(["metadata": objectMeta, "spec": podSpec])

    /// The root type of a built-in kind (`apiVersion` + `kind` as in the object); unknown kinds are
    /// treated as plain Go structs with standard object metadata.
    public static func builtin(apiVersion: String, kind: String) -> FieldType {
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        var fields: [String: FieldType] = ["metadata": objectMeta]
        switch (group, kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"):
            fields["spec"] = obj(["selector": .leaf, "template": podTemplate])
            fields["status"] = obj(["conditions": conditions])
        case ("", "Pod"):
            fields["spec"] = podSpec
            fields["status"] = obj(["conditions": conditions, "podIPs": byKeys(["ip"]), "hostIPs": byKeys(["ip"])])
        case ("", "Service"):
            fields["spec"] = obj(["ports": byKeys(["port", "protocol"], defaults: tcpDefault), "selector": .leaf])
            fields["status"] = obj(["conditions": conditions])
        case ("autoscaling", "HorizontalPodAutoscaler"):
            fields["status"] = obj(["conditions": conditions])
        case ("", "Namespace"):
            fields["status"] = obj(["conditions": conditions])
        case ("", "Secret"), ("", "ConfigMap"):
            fields["data"] = stringMap
            fields["stringData"] = stringMap
            fields["binaryData"] = stringMap
        case ("events.k8s.io", "Event"):
            fields["regarding"] = .leaf
            fields["related"] = .leaf
        default: break
        }
        return obj(fields)
    }

    /// The root type of a custom resource: its schema, with standard object metadata.
    static func custom(_ schema: JSONValue) -> FieldType {
        guard case .object(var fields, let rest) = fromSchema(schema) else { return obj(["metadata": objectMeta]) }
        fields["metadata"] = objectMeta
        return .object(fields: fields, rest: rest)
    }

    static func fromSchema(_ s: JSONValue) -> FieldType {
        if s["x-kubernetes-int-or-string"] == true { return .leaf }
        let type = s["type"]?.stringValue
        if type == "array" {
            switch s["x-kubernetes-list-type"]?.stringValue {
            case "map":
                let keys = (s["x-kubernetes-list-map-keys"]?.arrayValue ?? []).compactMap(\.stringValue)
                var defaults: [String: JSONValue] = [:]
                for k in keys { if let d = s[path: ["items", "properties", k, "default"]] { defaults[k] = d } }
                return .listMap(keys: keys, defaults: defaults, element: fromSchema(s["items"] ?? [:]))
            case "set": return .set
            default: return .leaf
            }
        }
        let preserve = s["x-kubernetes-preserve-unknown-fields"] == true
        guard type == "object" || s["properties"] != nil || preserve else { return .leaf }
        if s["x-kubernetes-map-type"] == "atomic" { return .leaf }
        var fields: [String: FieldType] = [:]
        for (k, v) in s["properties"]?.objectValue ?? [:] { fields[k] = fromSchema(v) }
        if s["x-kubernetes-embedded-resource"] == true { fields["metadata"] = objectMeta }
        if let additional = s["additionalProperties"], case .object = additional {
            return .object(fields: fields, rest: .elements(fromSchema(additional)))
        }
        return .object(fields: fields, rest: .deduced)
    }

    /// The Go zero value of a built-in kind as the server converts it: the non-`omitempty` structs,
    /// lists and pointers that are present (as `{}` or null) in every stored object. Managed fields
    /// compare against it, which is why `spec.strategy` or `spec.template.spec.containers` never get
    /// a `".": {}` marker in an Update entry while `spec.strategy.rollingUpdate` does.
    public static func zeroValue(apiVersion: String, kind: String) -> JSONValue {
        let group = apiVersion.contains("/") ? String(apiVersion.split(separator: "/")[0]) : ""
        switch (group, kind) {
        case ("apps", "Deployment"), ("apps", "ReplicaSet"), ("apps", "StatefulSet"), ("apps", "DaemonSet"):
            return ["spec": ["selector": .null, "strategy": [:], "template": ["metadata": [:], "spec": ["containers": .null]]], "status": [:]]
        case ("", "Pod"): return ["spec": ["containers": .null], "status": [:]]
        case ("", "Service"): return ["spec": [:], "status": ["loadBalancer": [:]]]
        case ("", "Namespace"): return ["spec": [:], "status": [:]]
        case ("coordination.k8s.io", "Lease"): return ["spec": [:]]
        case ("autoscaling", "HorizontalPodAutoscaler"): return ["spec": ["scaleTargetRef": [:], "maxReplicas": 0], "status": ["desiredReplicas": 0]]
        case ("events.k8s.io", "Event"): return ["eventTime": .null, "regarding": [:]]
        default: return [:]
        }
    }
}

extension JSONValue {
    /// This object with `base`'s keys added where absent (recursively); non-objects are returned as they are.
    func overlaying(_ base: JSONValue) -> JSONValue {
        guard case .object(var mine) = self, case .object(let theirs) = base else { return self }
        for (k, v) in theirs {
            if let existing = mine[k] { mine[k] = existing.overlaying(v) } else { mine[k] = v }
        }
        return .object(mine)
    }
}

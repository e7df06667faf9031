import Foundation
import KubeModel

/// One served resource (all its versions share one storage, keyed by group-resource).
struct ResourceInfo: Sendable {
    var group: String
    var plural: String
    var singular: String
    var kind: String
    var listKind: String
    /// Served versions, highest priority first (the first is the preferred one).
    var versions: [String]
    var namespaced: Bool
    var shortNames: [String] = []
    var categories: [String] = []
    var verbs: [String] = ResourceInfo.standardVerbs
    var hasStatus = false
    var hasScale = false
    /// Whether `metadata.generation` is kept (workloads, CRDs, custom resources).
    var hasGeneration = false
    var isCustom = false
    /// Custom resources: the structural schema of each version.
    var schemas: [String: StructuralSchema] = [:]
    /// Fields a typed kind's BOOKMARK object carries besides kind/apiVersion/metadata (the real
    /// server serializes an empty Go struct, transcript 18); empty for unstructured kinds.
    var bookmarkSkeleton: [String: JSONValue] = [:]
    /// `ReturnDeletedObject` in the real registry: delete answers with the object, not a Status.
    var returnsDeletedObject = false
    /// The group named in 422 messages: events.k8s.io Events are validated as core Events.
    var errorGroup: String
    var storageVersionHash: String?
    /// The CRD that defines this resource (custom resources only).
    var crdName: String?

    static let standardVerbs = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]

    var groupResource: String { group.isEmpty ? plural : "\(plural).\(group)" }
    func apiVersion(_ version: String) -> String { group.isEmpty ? version : "\(group)/\(version)" }
    func descriptor(_ version: String) -> ResourceDescriptor {
        ResourceDescriptor(group: group, version: version, plural: plural, kind: kind, namespaced: namespaced)
    }
    var isCreateOnly: Bool { verbs == ["create"] }
    func supports(_ verb: String) -> Bool { verbs.contains(verb) }
}

/// The resources the stand-in serves: built-ins plus those CRDs register.
///
/// Guarantees: lookups are by dictionary (no scans on the request path); group order in
/// discovery is the built-ins' order followed by CRD groups sorted by name.
struct ResourceRegistry: Sendable {
    private(set) var byGroupResource: [String: ResourceInfo] = [:]
    /// `group/version/plural` → group-resource.
    private var byPath: [String: String] = [:]
    private var builtinGroupOrder: [String] = []

    init() {
        for info in ResourceRegistry.builtins { add(info) }
        builtinGroupOrder = []
        for info in ResourceRegistry.builtins where !builtinGroupOrder.contains(info.group) {
            builtinGroupOrder.append(info.group)
        }
    }

    mutating func add(_ info: ResourceInfo) {
        if let old = byGroupResource[info.groupResource] { remove(old.groupResource) }
        byGroupResource[info.groupResource] = info
        for v in info.versions { byPath["\(info.group)/\(v)/\(info.plural)"] = info.groupResource }
    }

    mutating func remove(_ groupResource: String) {
        guard let info = byGroupResource.removeValue(forKey: groupResource) else { return }
        for v in info.versions { byPath.removeValue(forKey: "\(info.group)/\(v)/\(info.plural)") }
    }

    func lookup(group: String, version: String, plural: String) -> ResourceInfo? {
        byPath["\(group)/\(version)/\(plural)"].flatMap { byGroupResource[$0] }
    }

    func info(_ groupResource: String) -> ResourceInfo? { byGroupResource[groupResource] }

    /// Groups in discovery order (core "" excluded).
    var groups: [String] {
        let all = Set(byGroupResource.values.map(\.group)).subtracting([""])
        let builtin = builtinGroupOrder.filter { all.contains($0) && !$0.isEmpty }
        return builtin + all.subtracting(builtin).sorted()
    }

    /// Served versions of a group, highest priority first.
    func versions(of group: String) -> [String] {
        let vs = Set(byGroupResource.values.filter { $0.group == group }.flatMap(\.versions))
        return vs.sorted(by: KubeVersionOrder.higher)
    }

    func resources(group: String, version: String) -> [ResourceInfo] {
        byGroupResource.values.filter { $0.group == group && $0.versions.contains(version) }.sorted { $0.plural < $1.plural }
    }

    static let builtins: [ResourceInfo] = [
        ResourceInfo(group: "", plural: "namespaces", singular: "namespace", kind: "Namespace", listKind: "NamespaceList",
                     versions: ["v1"], namespaced: false, shortNames: ["ns"],
                     verbs: ["create", "delete", "get", "list", "patch", "update", "watch"], hasStatus: true,
                     bookmarkSkeleton: ["spec": [:], "status": [:]], errorGroup: "", storageVersionHash: "Q3oi5N2YM8M="),
        ResourceInfo(group: "", plural: "services", singular: "service", kind: "Service", listKind: "ServiceList",
                     versions: ["v1"], namespaced: true, shortNames: ["svc"], categories: ["all"], hasStatus: true,
                     bookmarkSkeleton: ["spec": [:], "status": ["loadBalancer": [:]]], errorGroup: "", storageVersionHash: "0/CO1lhkEBI="),
        ResourceInfo(group: "", plural: "events", singular: "event", kind: "Event", listKind: "EventList",
                     versions: ["v1"], namespaced: true, shortNames: ["ev"],
                     bookmarkSkeleton: ["involvedObject": [:], "source": [:], "firstTimestamp": .null, "lastTimestamp": .null, "eventTime": .null, "reportingComponent": "", "reportingInstance": ""],
                     errorGroup: "", storageVersionHash: "r2yiGXH7wu8="),
        ResourceInfo(group: "", plural: "secrets", singular: "secret", kind: "Secret", listKind: "SecretList",
                     versions: ["v1"], namespaced: true, errorGroup: "", storageVersionHash: "S6u1pOWzb84="),
        ResourceInfo(group: "", plural: "configmaps", singular: "configmap", kind: "ConfigMap", listKind: "ConfigMapList",
                     versions: ["v1"], namespaced: true, shortNames: ["cm"], errorGroup: "", storageVersionHash: "qFsyl6wFWjQ="),
        ResourceInfo(group: "", plural: "pods", singular: "pod", kind: "Pod", listKind: "PodList",
                     versions: ["v1"], namespaced: true, shortNames: ["po"], categories: ["all"], hasStatus: true,
                     hasGeneration: true, bookmarkSkeleton: ["spec": ["containers": .null], "status": [:]],
                     returnsDeletedObject: true, errorGroup: "", storageVersionHash: "xPOwRZ+Yhw8="),
        ResourceInfo(group: "apps", plural: "deployments", singular: "deployment", kind: "Deployment", listKind: "DeploymentList",
                     versions: ["v1"], namespaced: true, shortNames: ["deploy"], categories: ["all"], hasStatus: true, hasScale: true,
                     hasGeneration: true,
                     bookmarkSkeleton: ["spec": ["replicas": 0, "selector": .null, "template": ["metadata": [:], "spec": ["containers": .null]], "strategy": [:]], "status": [:]],
                     errorGroup: "apps", storageVersionHash: "8aSe+NMegvE="),
        ResourceInfo(group: "autoscaling", plural: "horizontalpodautoscalers", singular: "horizontalpodautoscaler",
                     kind: "HorizontalPodAutoscaler", listKind: "HorizontalPodAutoscalerList",
                     versions: ["v2"], namespaced: true, shortNames: ["hpa"], categories: ["all"], hasStatus: true,
                     bookmarkSkeleton: ["spec": ["scaleTargetRef": ["kind": "", "name": ""], "maxReplicas": 0], "status": ["desiredReplicas": 0]],
                     errorGroup: "autoscaling", storageVersionHash: "qwQve8ut294="),
        ResourceInfo(group: "coordination.k8s.io", plural: "leases", singular: "lease", kind: "Lease", listKind: "LeaseList",
                     versions: ["v1"], namespaced: true, bookmarkSkeleton: ["spec": [:]],
                     errorGroup: "coordination.k8s.io", storageVersionHash: "gqkMMb/YqFM="),
        ResourceInfo(group: "events.k8s.io", plural: "events", singular: "event", kind: "Event", listKind: "EventList",
                     versions: ["v1"], namespaced: true, shortNames: ["ev"],
                     bookmarkSkeleton: ["eventTime": .null, "reportingController": "", "reportingInstance": "", "regarding": [:]],
                     errorGroup: "", storageVersionHash: "r2yiGXH7wu8="),
        ResourceInfo(group: "apiextensions.k8s.io", plural: "customresourcedefinitions", singular: "customresourcedefinition",
                     kind: "CustomResourceDefinition", listKind: "CustomResourceDefinitionList",
                     versions: ["v1"], namespaced: false, shortNames: ["crd", "crds"], categories: ["api-extensions"], hasStatus: true,
                     hasGeneration: true,
                     bookmarkSkeleton: ["spec": ["group": "", "names": ["plural": "", "kind": ""], "scope": "", "versions": .null], "status": ["acceptedNames": ["plural": "", "kind": ""], "storedVersions": .null]],
                     errorGroup: "apiextensions.k8s.io", storageVersionHash: "M5uH+AlWATY="),
        ResourceInfo(group: "authorization.k8s.io", plural: "selfsubjectaccessreviews", singular: "selfsubjectaccessreview",
                     kind: "SelfSubjectAccessReview", listKind: "SelfSubjectAccessReviewList",
                     versions: ["v1"], namespaced: false, verbs: ["create"], errorGroup: "authorization.k8s.io"),
    ]
}

/// Kubernetes version priority (`v1` > `v1beta2` > `v1beta1` > `v1alpha1` > other strings).
enum KubeVersionOrder {
    private static func parse(_ v: String) -> (major: Int, stage: Int, minor: Int)? {
        guard v.hasPrefix("v") else { return nil }
        let rest = v.dropFirst()
        let digits = rest.prefix { $0.isNumber }
        guard let major = Int(digits) else { return nil }
        let tail = rest.dropFirst(digits.count)
        if tail.isEmpty { return (major, 2, 0) }
        for (name, stage) in [("beta", 1), ("alpha", 0)] where tail.hasPrefix(name) {
            guard let minor = Int(tail.dropFirst(name.count)) else { return nil }
            return (major, stage, minor)
        }
        return nil
    }

    static func higher(_ a: String, _ b: String) -> Bool {
        switch (parse(a), parse(b)) {
        case let (x?, y?):
            if x.stage != y.stage { return x.stage > y.stage }
            if x.major != y.major { return x.major > y.major }
            return x.minor > y.minor
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a < b
        }
    }
}

/// `metav1.ObjectMeta`: the fields the operator and the stand-in read or write.
/// `managedFields` is kept untyped; caches drop it to save memory.
public struct ObjectMeta: Codable, Sendable, Hashable {
    public var name: String?
    public var generateName: String?
    public var namespace: String?
    public var uid: String?
    public var resourceVersion: String?
    public var generation: Int64?
    public var creationTimestamp: String?
    public var deletionTimestamp: String?
    public var deletionGracePeriodSeconds: Int64?
    public var labels: [String: String]?
    public var annotations: [String: String]?
    public var ownerReferences: [OwnerReference]?
    public var finalizers: [String]?
    public var managedFields: [JSONValue]?

    public init(
        name: String? = nil, generateName: String? = nil, namespace: String? = nil, uid: String? = nil,
        resourceVersion: String? = nil, generation: Int64? = nil, creationTimestamp: String? = nil,
        deletionTimestamp: String? = nil, labels: [String: String]? = nil, annotations: [String: String]? = nil,
        ownerReferences: [OwnerReference]? = nil, finalizers: [String]? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.creationTimestamp = creationTimestamp
        self.deletionTimestamp = deletionTimestamp
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
        self.finalizers = finalizers
    }

    /// The owner reference with `controller: true`, if any (there is at most one).
    public var controllerOwner: OwnerReference? { ownerReferences?.first { $0.controller == true } }

    /// `namespace/name`, or `name` for cluster-scoped objects: the key work queues and caches use.
    public var key: String { ObjectKey(namespace: namespace, name: name ?? "").description }
}

/// `metav1.OwnerReference`.
public struct OwnerReference: Codable, Sendable, Hashable {
    public var apiVersion: String
    public var kind: String
    public var name: String
    public var uid: String
    public var controller: Bool?
    public var blockOwnerDeletion: Bool?

    public init(apiVersion: String, kind: String, name: String, uid: String, controller: Bool? = nil, blockOwnerDeletion: Bool? = nil) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }
}

/// `metav1.ListMeta`.
public struct ListMeta: Codable, Sendable, Hashable {
    public var resourceVersion: String?
    public var `continue`: String?
    public var remainingItemCount: Int64?

    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }
}

/// `metav1.LabelSelector` (matchLabels and matchExpressions).
public struct LabelSelector: Codable, Sendable, Hashable {
    public struct Requirement: Codable, Sendable, Hashable {
        public var key: String
        public var `operator`: String
        public var values: [String]?
        public init(key: String, operator: String, values: [String]? = nil) {
            self.key = key
            self.operator = `operator`
            self.values = values
        }
    }
    public var matchLabels: [String: String]?
    public var matchExpressions: [Requirement]?
    public init(matchLabels: [String: String]? = nil, matchExpressions: [Requirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }
}

/// `namespace/name`: the identity of a namespaced object (namespace `nil` for cluster-scoped ones).
public struct ObjectKey: Hashable, Sendable, CustomStringConvertible, Comparable {
    public var namespace: String?
    public var name: String
    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }
    /// Parses `ns/name` or `name`.
    public init(_ text: String) {
        if let slash = text.firstIndex(of: "/") {
            namespace = String(text[..<slash])
            name = String(text[text.index(after: slash)...])
        } else {
            namespace = nil
            name = text
        }
    }
    public var description: String {
        if let ns = namespace, !ns.isEmpty { return "\(ns)/\(name)" }
        return name
    }
    public static func < (a: ObjectKey, b: ObjectKey) -> Bool { a.description < b.description }
}

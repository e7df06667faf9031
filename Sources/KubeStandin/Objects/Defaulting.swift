import Foundation
import KubeModel

/// Server-side defaults of built-in kinds, as kube-apiserver fills them (the `SetDefaults_*`
/// functions of `pkg/apis/*/v1/defaults.go` plus the registry's allocations for Services and the
/// Namespace strategy).
///
/// Guarantees: only absent fields (or, where the real defaulter does, empty strings / zero ports)
/// are filled, so applying the defaults twice changes nothing; a kind without defaults, and any
/// custom resource, is returned unchanged. Pure: no clock, no storage.
public enum Defaulting {
    /// Fills the server-side defaults of a built-in kind (Deployment, Service, HPA, Lease, Event,
    /// Namespace, Secret, ConfigMap, ...) as kube-apiserver does on create and update; kinds
    /// without defaults are left as they are.
    public static func apply(to object: inout JSONValue, resource: ResourceDescriptor) {
        guard case .object = object else { return }
        switch (resource.group, resource.kind) {
        case ("apps", "Deployment"): defaultDeployment(&object)
        case ("", "Pod"): defaultPod(&object)
        case ("", "Service"): defaultService(&object)
        case ("autoscaling", "HorizontalPodAutoscaler"): defaultHPA(&object)
        case ("", "Namespace"): defaultNamespace(&object)
        case ("", "Secret"): setIfAbsent(&object, ["type"], "Opaque")
        default: break  // ConfigMap, Lease, Event (core and events.k8s.io): no defaults clients see.
        }
    }

    // MARK: Workloads

    /// `RollingUpdate` surge/unavailability when the strategy does not say (apps/v1 `SetDefaults_Deployment`).
    static let defaultRollingUpdatePercent: JSONValue = "25%"
    /// Old ReplicaSets kept for rollback.
    static let defaultRevisionHistoryLimit: JSONValue = 10
    /// Seconds before a rollout is reported as not progressing.
    static let defaultProgressDeadlineSeconds: JSONValue = 600

    static func defaultDeployment(_ d: inout JSONValue) {
        setIfAbsent(&d, ["spec", "replicas"], 1)
        setIfAbsent(&d, ["spec", "strategy", "type"], "RollingUpdate")
        if d[path: ["spec", "strategy", "type"]] == "RollingUpdate" {
            setIfAbsent(&d, ["spec", "strategy", "rollingUpdate", "maxUnavailable"], defaultRollingUpdatePercent)
            setIfAbsent(&d, ["spec", "strategy", "rollingUpdate", "maxSurge"], defaultRollingUpdatePercent)
        }
        setIfAbsent(&d, ["spec", "revisionHistoryLimit"], defaultRevisionHistoryLimit)
        setIfAbsent(&d, ["spec", "progressDeadlineSeconds"], defaultProgressDeadlineSeconds)
        if var podSpec = d[path: ["spec", "template", "spec"]], case .object = podSpec {
            defaultPodSpec(&podSpec)
            d[path: ["spec", "template", "spec"]] = podSpec
        }
        setIfAbsent(&d, ["status"], .object([:]))
    }

    static func defaultPod(_ p: inout JSONValue) {
        var spec = p["spec"] ?? .object([:])
        defaultPodSpec(&spec)
        setIfAbsent(&spec, ["enableServiceLinks"], true)
        p["spec"] = spec
        setIfAbsent(&p, ["status", "phase"], "Pending")
    }

    /// Grace period before a pod is killed (core/v1 `DefaultTerminationGracePeriodSeconds`).
    static let defaultTerminationGracePeriodSeconds: JSONValue = 30
    /// File mode of configMap/secret/projected/downwardAPI volumes: 0644.
    static let defaultVolumeMode: JSONValue = 420

    /// core/v1 `SetDefaults_PodSpec` and the container/volume/probe defaults beneath it.
    static func defaultPodSpec(_ spec: inout JSONValue) {
        setIfAbsent(&spec, ["dnsPolicy"], "ClusterFirst")
        setIfAbsent(&spec, ["restartPolicy"], "Always")
        setIfAbsent(&spec, ["terminationGracePeriodSeconds"], defaultTerminationGracePeriodSeconds)
        setIfAbsent(&spec, ["securityContext"], .object([:]))
        setIfAbsent(&spec, ["schedulerName"], "default-scheduler")
        let hostNetwork = spec["hostNetwork"] == true
        for list in ["containers", "initContainers", "ephemeralContainers"] {
            mapItems(&spec, list) { defaultContainer(&$0, hostNetwork: hostNetwork) }
        }
        mapItems(&spec, "volumes") { defaultVolume(&$0) }
    }

    static func defaultContainer(_ c: inout JSONValue, hostNetwork: Bool) {
        setIfAbsent(&c, ["resources"], .object([:]))
        setIfAbsent(&c, ["terminationMessagePath"], "/dev/termination-log")
        setIfAbsent(&c, ["terminationMessagePolicy"], "File")
        setIfAbsent(&c, ["imagePullPolicy"], imagePullPolicy(for: c["image"]?.stringValue))
        mapItems(&c, "ports") { port in
            setIfAbsent(&port, ["protocol"], "TCP")
            if hostNetwork, port["hostPort"] == nil, let cp = port["containerPort"] { port["hostPort"] = cp }
        }
        mapItems(&c, "env") { env in
            if env[path: ["valueFrom", "fieldRef"]] != nil {
                setIfAbsent(&env, ["valueFrom", "fieldRef", "apiVersion"], "v1")
            }
        }
        for probe in ["livenessProbe", "readinessProbe", "startupProbe"] where c[probe]?.objectValue != nil {
            var p = c[probe]!
            defaultProbe(&p)
            c[probe] = p
        }
    }

    /// `Always` for `:latest` or untagged images (unless pinned by digest), else `IfNotPresent`.
    public static func imagePullPolicy(for image: String?) -> JSONValue {
        guard let image, !image.contains("@") else { return "IfNotPresent" }
        let lastComponent = image.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? image
        guard let colon = lastComponent.lastIndex(of: ":") else { return "Always" }
        return lastComponent[lastComponent.index(after: colon)...] == "latest" ? "Always" : "IfNotPresent"
    }

    static func defaultProbe(_ p: inout JSONValue) {
        setIfAbsent(&p, ["timeoutSeconds"], 1)
        setIfAbsent(&p, ["periodSeconds"], 10)
        setIfAbsent(&p, ["successThreshold"], 1)
        setIfAbsent(&p, ["failureThreshold"], 3)
        if p["httpGet"]?.objectValue != nil {
            setIfAbsent(&p, ["httpGet", "path"], "/")
            setIfAbsent(&p, ["httpGet", "scheme"], "HTTP")
        }
        if p["grpc"]?.objectValue != nil { setIfAbsent(&p, ["grpc", "service"], "") }
    }

    /// Volume sources a volume may name; with none, the volume is an `emptyDir`.
    static let volumeSources = [
        "hostPath", "emptyDir", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "secret", "nfs", "iscsi",
        "glusterfs", "persistentVolumeClaim", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "downwardAPI", "fc",
        "azureFile", "configMap", "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "projected",
        "portworxVolume", "scaleIO", "storageos", "csi", "ephemeral", "image",
    ]

    static func defaultVolume(_ v: inout JSONValue) {
        if !volumeSources.contains(where: { v[$0] != nil }) { v["emptyDir"] = .object([:]) }
        for source in ["secret", "configMap", "projected", "downwardAPI"] where v[source]?.objectValue != nil {
            setIfAbsent(&v, [source, "defaultMode"], defaultVolumeMode)
        }
        if v["hostPath"]?.objectValue != nil { setIfAbsent(&v, ["hostPath", "type"], "") }
    }

    // MARK: Services

    /// Session stickiness timeout for `ClientIP` affinity: three hours.
    static let defaultClientIPTimeoutSeconds: JSONValue = 10800

    static func defaultService(_ s: inout JSONValue) {
        setIfAbsent(&s, ["spec", "type"], "ClusterIP")
        setIfAbsent(&s, ["spec", "sessionAffinity"], "None")
        if s[path: ["spec", "sessionAffinity"]] == "ClientIP" {
            setIfAbsent(&s, ["spec", "sessionAffinityConfig", "clientIP", "timeoutSeconds"], defaultClientIPTimeoutSeconds)
        }
        let type = s[path: ["spec", "type"]]?.stringValue ?? "ClusterIP"
        var spec = s["spec"] ?? .object([:])
        let namespace = s[path: ["metadata", "namespace"]]?.stringValue ?? ""
        let name = s[path: ["metadata", "name"]]?.stringValue ?? ""
        mapItems(&spec, "ports") { port in
            setIfAbsent(&port, ["protocol"], "TCP")
            let target = port["targetPort"]
            if target == nil || target == 0 || target == "", let p = port["port"] { port["targetPort"] = p }
            if type == "NodePort" || type == "LoadBalancer", port["nodePort"] == nil || port["nodePort"] == 0 {
                let key = "\(namespace)/\(name)/\(port["port"]?.intValue ?? 0)/\(port["protocol"]?.stringValue ?? "TCP")"
                port["nodePort"] = .int(ServiceAllocation.nodePort(for: key))
            }
        }
        s["spec"] = spec
        if type != "ExternalName" {
            let existing = s[path: ["spec", "clusterIP"]]?.stringValue ?? ""
            let ip = existing.isEmpty ? ServiceAllocation.clusterIP(for: "\(namespace)/\(name)") : existing
            s[path: ["spec", "clusterIP"]] = .string(ip)
            setIfAbsent(&s, ["spec", "clusterIPs"], [.string(ip)])
            setIfAbsent(&s, ["spec", "ipFamilies"], ["IPv4"])
            setIfAbsent(&s, ["spec", "ipFamilyPolicy"], "SingleStack")
            setIfAbsent(&s, ["spec", "internalTrafficPolicy"], "Cluster")
        }
        if type == "NodePort" || type == "LoadBalancer" {
            setIfAbsent(&s, ["spec", "externalTrafficPolicy"], "Cluster")
        }
        if type == "LoadBalancer" { setIfAbsent(&s, ["spec", "allocateLoadBalancerNodePorts"], true) }
        setIfAbsent(&s, ["status", "loadBalancer"], .object([:]))
    }

    // MARK: Autoscaling, namespaces

    /// CPU utilization target of an HPA that names no metric.
    static let defaultCPUUtilization: JSONValue = 80

    static func defaultHPA(_ h: inout JSONValue) {
        setIfAbsent(&h, ["spec", "minReplicas"], 1)
        if (h[path: ["spec", "metrics"]]?.arrayValue ?? []).isEmpty {
            h[path: ["spec", "metrics"]] = [[
                "type": "Resource",
                "resource": ["name": "cpu", "target": ["type": "Utilization", "averageUtilization": defaultCPUUtilization]],
            ]]
        }
        // Behavior defaults apply only when a behavior is given (autoscaling/v2 `SetDefaults_HorizontalPodAutoscalerBehavior`).
        guard h[path: ["spec", "behavior"]]?.objectValue != nil else { return }
        let scaleUp: [String: JSONValue] = [
            "stabilizationWindowSeconds": 0, "selectPolicy": "Max",
            "policies": [["type": "Pods", "value": 4, "periodSeconds": 15], ["type": "Percent", "value": 100, "periodSeconds": 15]],
        ]
        let scaleDown: [String: JSONValue] = [
            "selectPolicy": "Max", "policies": [["type": "Percent", "value": 100, "periodSeconds": 15]],
        ]
        for (direction, defaults) in [("scaleUp", scaleUp), ("scaleDown", scaleDown)] {
            for (field, value) in defaults { setIfAbsent(&h, ["spec", "behavior", direction, field], value) }
        }
    }

    static func defaultNamespace(_ n: inout JSONValue) {
        setIfAbsent(&n, ["spec", "finalizers"], ["kubernetes"])
        setIfAbsent(&n, ["status", "phase"], "Active")
    }

    // MARK: Helpers

    /// Sets `value` at `path` when nothing (or JSON null) is there, creating parent objects.
    static func setIfAbsent(_ object: inout JSONValue, _ path: [String], _ value: JSONValue) {
        if let existing = object[path: path], !existing.isNull { return }
        object[path: path] = value
    }

    /// Applies `body` to each object item of the array at `object[key]`, if any.
    static func mapItems(_ object: inout JSONValue, _ key: String, _ body: (inout JSONValue) -> Void) {
        guard case .array(var items) = object[key] else { return }
        for i in items.indices where items[i].objectValue != nil { body(&items[i]) }
        object[key] = .array(items)
    }
}

/// The Service registry's allocations, made deterministic so tests can predict them.
///
/// Guarantees: the same key always yields the same address/port; distinct keys collide only when
/// their FNV-1a hashes collide within the range (about one in a million for cluster IPs), which the
/// stand-in accepts instead of keeping allocator state here.
public enum ServiceAllocation {
    /// The default service CIDR 10.96.0.0/12: 2^20 addresses, of which `.0` (network) and `.1`
    /// (the `kubernetes` Service) are never handed out.
    static let serviceCIDRBase: UInt32 = (10 << 24) | (96 << 16)
    static let serviceCIDRSize: UInt32 = 1 << 20
    static let reservedLowAddresses: UInt32 = 2
    /// The default NodePort range 30000-32767.
    static let nodePortBase = 30000
    static let nodePortCount = 2768

    public static func clusterIP(for key: String) -> String {
        let offset = reservedLowAddresses + UInt32(fnv1a(key) % UInt64(serviceCIDRSize - reservedLowAddresses - 1))
        let ip = serviceCIDRBase + offset
        return "\(ip >> 24).\((ip >> 16) & 0xff).\((ip >> 8) & 0xff).\(ip & 0xff)"
    }

    public static func nodePort(for key: String) -> Int64 {
        Int64(nodePortBase + Int(fnv1a(key) % UInt64(nodePortCount)))
    }

    static func fnv1a(_ s: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in s.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }
}

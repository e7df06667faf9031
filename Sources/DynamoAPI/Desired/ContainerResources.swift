import KubeModel

/// A component's `resources` as a container's ResourceRequirements: `gpu` → `nvidia.com/gpu`,
/// quantities in the API server's canonical spelling, and a GPU request mirrored into limits
/// (extended resources cannot be overcommitted, so Kubernetes requires the limit).
public enum ContainerResources {
    public static func build(_ r: ComponentResources?) -> JSONValue? {
        guard let r else { return nil }
        let requests = canonical(r.requests)
        var limits = canonical(r.limits)
        if let gpu = requests[ResourceNames.nvidiaGPU], limits[ResourceNames.nvidiaGPU] == nil {
            limits[ResourceNames.nvidiaGPU] = gpu
        }
        if requests.isEmpty && limits.isEmpty { return nil }
        var out: [String: JSONValue] = [:]
        if !requests.isEmpty { out["requests"] = .object(requests) }
        if !limits.isEmpty { out["limits"] = .object(limits) }
        return .object(out)
    }

    static func canonical(_ m: [String: Quantity]?) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for (k, q) in m ?? [:] { out[ResourceNames.canonicalKey(k)] = .string(q.canonical) }
        return out
    }
}

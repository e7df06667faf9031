/// Every default of the API, in one place: the CRD schema publishes these and `withDefaults()`
/// applies them, so a cluster-defaulted object and a locally defaulted one are equal.
public enum Defaults {
    public static let replicas = 1
    public static let portProtocol = "TCP"
    public static let minReplicas = 1
    public static let targetCPUUtilizationPercentage = 80
}

extension DynamoDeploymentSpec {
    /// This spec with every default filled in.
    public func withDefaults() -> DynamoDeploymentSpec {
        var s = self
        s.components = components.map { $0.withDefaults() }
        return s
    }
}

extension Component {
    /// This component with every default filled in.
    public func withDefaults() -> Component {
        var c = self
        if c.replicas == nil { c.replicas = Defaults.replicas }
        c.ports = c.ports?.map { p in
            var p = p
            if p.protocol == nil { p.protocol = Defaults.portProtocol }
            return p
        }
        if var a = c.autoscaling {
            if a.minReplicas == nil { a.minReplicas = Defaults.minReplicas }
            if a.targetCPUUtilizationPercentage == nil { a.targetCPUUtilizationPercentage = Defaults.targetCPUUtilizationPercentage }
            c.autoscaling = a
        }
        return c
    }
}

extension DynamoDeployment {
    /// This object with every spec default filled in.
    public func withDefaults() -> DynamoDeployment {
        var d = self
        d.spec = spec.withDefaults()
        return d
    }
}

/// Bounds and patterns shared by the CRD schema and the Swift validator, so both refuse the same
/// objects. The size bounds also keep the CEL rules' estimated cost within the API server's budget.
public enum APILimits {
    public static let maxComponents = 64
    /// Leaves room for `<deployment>-` in every child name (a DNS-1035 label, ≤ 63).
    public static let maxComponentNameLength = 40
    public static let maxChildNameLength = 63
    public static let maxImageLength = 1024
    public static let maxArgs = 256
    public static let maxArgLength = 4096
    public static let maxPorts = 16
    public static let maxPortNameLength = 15
    public static let maxResourceKeys = 16
    public static let maxEnv = 128
    public static let maxEnvValueLength = 4096
    public static let maxSecrets = 64
    public static let maxDependsOn = 32
    public static let maxEntrypoints = 16
    public static let maxSecretNameLength = 253
    public static let maxVersionLength = 64
    public static let maxKeyLength = 253
    public static let maxHPAReplicas = 10_000

    public static let dns1035Label = "^[a-z]([-a-z0-9]*[a-z0-9])?$"
    public static let dns1123Subdomain = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$"
    public static let envVarName = "^[-._a-zA-Z][-._a-zA-Z0-9]*$"
    public static let secretKey = "^[-._a-zA-Z0-9]+$"
    public static let resourceName = "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$"
    public static let quantity = "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$"
    /// A value that is exactly a secret reference: `${{ secrets.KEY }}`.
    public static let secretReference = "^\\$\\{\\{ *secrets\\.[-._a-zA-Z0-9]+ *\\}\\}$"
    public static let protocols = ["TCP", "UDP", "SCTP"]
}

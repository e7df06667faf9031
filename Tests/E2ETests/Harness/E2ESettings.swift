import Foundation

/// How the end-to-end suite runs, from the environment:
/// - `DYNAMO_E2E_KUBECONFIG`: run against that real cluster (each scenario in a fresh namespace,
///   deleted afterwards) instead of the in-process stand-in API server;
/// - `DYNAMO_E2E_SIMULATE_READINESS=1`: on a real cluster without nodes, the harness itself
///   writes Deployment status as a rolled-out Deployment would have it (the stand-in's
///   simulator does this on its own);
/// - `DYNAMO_E2E_IMAGE`: the image of every component (default: a tiny pause image, so a real
///   cluster with nodes rolls out quickly);
/// - `DYNAMO_E2E_OPERATOR`: the operator binary to run (default: the one built beside the tests).
struct E2ESettings: Sendable {
    /// Image small enough to pull and start in seconds on any cluster.
    static let defaultImage = "registry.k8s.io/pause:3.10"

    var kubeconfig: String?
    var simulateReadiness: Bool
    var image: String
    var operatorBinary: String?

    static let current = E2ESettings(environment: ProcessInfo.processInfo.environment)

    init(environment: [String: String]) {
        kubeconfig = environment["DYNAMO_E2E_KUBECONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        simulateReadiness = ["1", "true", "yes"].contains(environment["DYNAMO_E2E_SIMULATE_READINESS"]?.lowercased() ?? "")
        image = environment["DYNAMO_E2E_IMAGE"].flatMap { $0.isEmpty ? nil : $0 } ?? Self.defaultImage
        operatorBinary = environment["DYNAMO_E2E_OPERATOR"].flatMap { $0.isEmpty ? nil : $0 }
    }

    var onRealCluster: Bool { kubeconfig != nil }
}

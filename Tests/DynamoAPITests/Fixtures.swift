import Foundation
import KubeModel
@testable import DynamoAPI

/// Paths into the repository and small builders shared by the tests.
enum Fixtures {
    static let repoRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func text(_ relative: String) throws -> String {
        try String(contentsOf: repoRoot.appendingPathComponent(relative), encoding: .utf8)
    }

    static func files(in relative: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: repoRoot.appendingPathComponent(relative).path)
            .filter { $0.hasSuffix(".yaml") }.sorted().map { "\(relative)/\($0)" }
    }

    static func deployment(_ yaml: String) throws -> DynamoDeployment {
        let docs = try DeploymentLoader.load(yaml: yaml)
        guard let d = docs.first?.deployment else { throw ValidationFailure(errors: docs.first?.errors ?? []) }
        return d
    }

    static func errors(_ yaml: String) throws -> [String] {
        try DeploymentLoader.load(yaml: yaml).flatMap(\.errors).map(\.description)
    }

    /// A CR with the given components YAML (indented list items under `components:`).
    static func cr(name: String = "llm", extraSpec: String = "", components: String) -> String {
        """
        apiVersion: nvidia.com/v1alpha1
        kind: DynamoDeployment
        metadata:
          name: \(name)
          namespace: ns
          uid: 1111-2222
        spec:
        \(extraSpec)
          components:
        \(components)
        """
    }
}

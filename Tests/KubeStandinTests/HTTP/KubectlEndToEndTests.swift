import Foundation
import KubeModel
import Synchronization
import Testing
@testable import KubeStandin

/// The real `kubectl` against a `StandinServer`: apply with validation on (OpenAPI v3, server-side
/// field validation), client-side and server-side apply, and server-side printing (Tables),
/// including `get -w`. Skipped where `/usr/bin/kubectl` is not installed.
@Suite(.serialized) struct KubectlEndToEndTests {
    static let kubectl = "/usr/bin/kubectl"
    static let hasKubectl = FileManager.default.isExecutableFile(atPath: kubectl)
    /// The repository root (this file is Tests/KubeStandinTests/HTTP/...).
    static let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// A served APIServer and a kubeconfig for it, in a scratch directory (also kubectl's cache).
    final class Cluster {
        let backend = APIServer()
        let server: StandinServer
        let dir: String
        init() throws {
            server = StandinServer(backend: backend)
            let url = try server.start()
            dir = FileManager.default.temporaryDirectory.appendingPathComponent("kubectl-e2e-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            let config = KubeconfigWriter.render(server: url.absoluteString, certificateAuthorityPEM: nil, user: "tester", token: nil,
                                                 clientCertificatePEM: nil, clientKeyPEM: nil, namespace: "default")
            try config.write(toFile: "\(dir)/kubeconfig", atomically: true, encoding: .utf8)
        }
        deinit {
            server.stop()
            try? FileManager.default.removeItem(atPath: dir)
        }

        func arguments(_ args: [String]) -> [String] { args + ["--kubeconfig", "\(dir)/kubeconfig", "--cache-dir", "\(dir)/cache"] }

        /// Runs kubectl to completion: exit status, stdout, stderr.
        func run(_ args: String...) throws -> (status: Int32, out: String, err: String) {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: KubectlEndToEndTests.kubectl)
            p.arguments = arguments(args)
            let out = Pipe(), err = Pipe()
            p.standardOutput = out
            p.standardError = err
            try p.run()
            let o = out.fileHandleForReading.readDataToEndOfFile()
            let e = err.fileHandleForReading.readDataToEndOfFile()
            p.waitUntilExit()
            return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
        }

        func write(_ name: String, _ text: String) throws -> String {
            let path = "\(dir)/\(name)"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
    }

    static func file(_ relative: String) throws -> String {
        try String(contentsOf: Self.repo.appendingPathComponent(relative), encoding: .utf8)
    }

    @Test(.enabled(if: hasKubectl)) func applyWithValidationThenGetPrintsServerColumns() throws {
        let c = try Cluster()
        let crdPath = Self.repo.appendingPathComponent("deploy/crds").path
        let crd = try c.run("apply", "-f", crdPath)
        #expect(crd.status == 0, "\(crd.err)")
        #expect(crd.out.contains("customresourcedefinition.apiextensions.k8s.io/dynamodeployments.nvidia.com created"))

        let agg = Self.repo.appendingPathComponent("examples/agg.yaml").path
        let created = try c.run("apply", "-f", agg)
        #expect(created.status == 0, "\(created.err)")
        #expect(created.out.contains("dynamodeployment.nvidia.com/agg created"))
        #expect(created.err.isEmpty, "\(created.err)")
        let stored = try #require(c.backend.object(group: "nvidia.com", plural: "dynamodeployments", namespace: "default", name: "agg"))
        #expect(stored[path: ["metadata", "annotations", "kubectl.kubernetes.io/last-applied-configuration"]] != nil)
        // Re-applying the same file: the stored components carry schema defaults (replicas, port
        // protocol) the file lacks, so the three-way merge patch re-sends the list ("configured",
        // as against a real server) — but nothing changes.
        let again = try c.run("apply", "-f", agg)
        #expect(again.status == 0 && again.out.contains("dynamodeployment.nvidia.com/agg"), "\(again.err)")
        #expect(c.backend.object(group: "nvidia.com", plural: "dynamodeployments", namespace: "default", name: "agg")?[path: ["metadata", "generation"]] == 1)

        // A change: client-side apply patches (merge patch for a custom resource).
        let changed = try c.write("agg-debug.yaml", try Self.file("examples/agg.yaml").replacingOccurrences(of: "DYN_LOG: info", with: "DYN_LOG: debug"))
        let configured = try c.run("apply", "-f", changed)
        #expect(configured.status == 0 && configured.out.contains("dynamodeployment.nvidia.com/agg configured"), "\(configured.err)")
        #expect(c.backend.object(group: "nvidia.com", plural: "dynamodeployments", namespace: "default", name: "agg")?[path: ["spec", "env", "DYN_LOG"]] == "debug")

        // Server-side apply.
        let ssa = try c.run("apply", "--server-side", "--force-conflicts", "-f", agg)
        #expect(ssa.status == 0 && ssa.out.contains("dynamodeployment.nvidia.com/agg serverside-applied"), "\(ssa.err)")

        // An undeclared field: rejected by the server's strict field validation, as a real server does.
        let bogus = try c.write("bogus.yaml", try Self.file("examples/agg.yaml")
            .replacingOccurrences(of: "name: agg", with: "name: bogus").replacingOccurrences(of: "  secretName: hf-token", with: "  secretName: hf-token\n  foo: 1"))
        let rejected = try c.run("apply", "-f", bogus)
        #expect(rejected.status != 0)
        #expect(rejected.err.contains("strict decoding error: unknown field \"spec.foo\""), "\(rejected.err)")

        // Status as the operator would write it, then the printer columns.
        let status: JSONValue = ["status": ["phase": "Ready", "readyComponents": "3/3", "conditions": [
            ["type": "Ready", "status": "True", "lastTransitionTime": "2026-01-01T00:00:00Z", "reason": "AllReady", "message": "ok"]]]]
        #expect(c.backend.call("PATCH", "/apis/nvidia.com/v1alpha1/namespaces/default/dynamodeployments/agg/status", body: status,
                               contentType: "application/merge-patch+json").status == 200)
        let get = try c.run("get", "dynd", "-o", "wide")
        #expect(get.status == 0, "\(get.err)")
        let lines = get.out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.first == ["NAME", "READY", "PHASE", "COMPONENTS", "AGE"])
        #expect(lines.dropFirst().first?.prefix(4) == ["agg", "True", "Ready", "3/3"])

        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
            "spec": ["replicas": 2, "selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "main", "image": "nginx:1"]]]]],
        ]
        #expect(c.backend.call("POST", "/apis/apps/v1/namespaces/default/deployments", body: deployment).status == 201)
        let deploys = try c.run("get", "deploy")
        let dl = deploys.out.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(dl.first == ["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"], "\(deploys.out)\(deploys.err)")
        #expect(dl.dropFirst().first?.prefix(4) == ["web", "0/2", "0", "0"])
        let wide = try c.run("get", "deploy", "-o", "wide")
        #expect(wide.out.contains("CONTAINERS") && wide.out.contains("nginx:1") && wide.out.contains("app=web"))
    }

    @Test(.enabled(if: hasKubectl)) func getWatchPrintsRowsAsTheyChange() throws {
        let c = try Cluster()
        #expect(try c.run("apply", "-f", Self.repo.appendingPathComponent("deploy/crds").path).status == 0)
        #expect(try c.run("apply", "-f", Self.repo.appendingPathComponent("examples/agg.yaml").path).status == 0)

        let p = Process()
        p.executableURL = URL(fileURLWithPath: Self.kubectl)
        p.arguments = c.arguments(["get", "dynd", "-w"])
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        let collected = Mutex(Data())
        out.fileHandleForReading.readabilityHandler = { h in
            let d = h.availableData
            collected.withLock { $0.append(d) }
        }
        try p.run()
        defer {
            if p.isRunning { p.terminate() }
            p.waitUntilExit()
            out.fileHandleForReading.readabilityHandler = nil
        }
        func text() -> String { String(decoding: collected.withLock { $0 }, as: UTF8.self) }
        #expect(waitFor(timeout: 20) { text().contains("agg") }, "\(text())")
        // Let the watch start before the change.
        Thread.sleep(forTimeInterval: 1)
        let status: JSONValue = ["status": ["phase": "Progressing", "readyComponents": "1/3"]]
        #expect(c.backend.call("PATCH", "/apis/nvidia.com/v1alpha1/namespaces/default/dynamodeployments/agg/status", body: status,
                               contentType: "application/merge-patch+json").status == 200)
        #expect(waitFor(timeout: 20) { text().contains("Progressing") }, "\(text())")
        let lines = text().split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        #expect(lines.first == ["NAME", "READY", "PHASE", "COMPONENTS", "AGE"])
        // The Ready column is null (no condition yet): kubectl prints it blank.
        #expect(lines.contains { $0.prefix(3) == ["agg", "Progressing", "1/3"] })
        #expect(lines.filter { $0.first == "NAME" }.count == 1)
    }
}

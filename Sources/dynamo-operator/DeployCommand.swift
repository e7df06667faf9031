import ArgumentParser
import Foundation
import DynamoAPI
import DynamoController
import KubeClient
import KubeModel

/// `dynamo-operator deploy -f FILE…`: validates DynamoDeployments (or IR files) and server-side
/// applies them, like `kubectl apply --server-side` with field manager `dynamo-operator-cli`.
struct DeployCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deploy",
        abstract: "Validate DynamoDeployment resources or IR files and server-side apply them.",
        discussion: """
            Every document is validated first; on any error, every error is printed and nothing is applied (exit 1). \
            Each object is then applied with field manager \(fieldManager); --dry-run asks the server to validate and \
            admit without persisting (dryRun=All).
            """)

    static let fieldManager = "dynamo-operator-cli"

    @Option(name: [.customShort("f"), .customLong("filename")], parsing: .upToNextOption,
            help: "DynamoDeployment or IR files (multi-document YAML; - for standard input).")
    var files: [String]

    @Flag(help: "Server-side dry run: validated and admitted by the API server, not persisted.")
    var dryRun = false

    @Flag(help: "Take ownership of fields another manager owns instead of failing with a conflict.")
    var forceConflicts = false

    @Option(help: "Path to a kubeconfig (default: KUBECONFIG, in-cluster, then ~/.kube/config).")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use (default: its current-context).")
    var context: String?

    @Option(name: [.customShort("n"), .long], help: "Namespace for objects that do not name one (default: the context's).")
    var namespace: String?

    func validate() throws {
        if files.isEmpty { throw ArgumentParser.ValidationError("at least one -f FILE is required") }
    }

    func run() throws {
        let deployments = try loadValid()
        let client: KubeClient
        do {
            client = try KubeClient.load(kubeconfigPath: kubeconfig, context: context)
        } catch {
            printError("error: \(StartupCheck.classify(error, verb: "load", resource: .namespaces, namespace: nil, server: "(unknown)"))")
            throw ExitCode(1)
        }
        var failed = false
        for dd in deployments {
            let name = dd.metadata.name ?? ""
            let ns: String
            do {
                ns = try Self.targetNamespace(object: dd.metadata.namespace, flag: namespace, context: client.namespace)
            } catch {
                printError("error: \(DynamoDeployment.singular).\(DynamoDeployment.resource.group)/\(name): \(error)")
                failed = true
                continue
            }
            do {
                let outcome = try apply(dd, namespace: ns, client: client)
                print("\(DynamoDeployment.singular).\(DynamoDeployment.resource.group)/\(name) \(outcome.rawValue)\(dryRun ? " (server dry run)" : "")")
            } catch let e as KubeError {
                printError("error: \(DynamoDeployment.singular).\(DynamoDeployment.resource.group)/\(name): \(Self.message(for: e, namespace: ns, server: client.server))")
                // The server itself is unreachable: the next objects would fail the same way.
                if case .transport = e { throw ExitCode(1) }
                if case .tls = e { throw ExitCode(1) }
                failed = true
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// Every document of every file, or exit 1 after printing every problem.
    func loadValid() throws -> [DynamoDeployment] {
        var out: [DynamoDeployment] = []
        var undecodable = false
        let reported = InputFiles.report(files) { file, doc in
            if let dd = doc.deployment {
                out.append(dd)
            } else {
                undecodable = true
                printError("\(file): \(doc.label): not a DynamoDeployment")
            }
        }
        let failed = reported || undecodable
        if failed { throw ExitCode(1) }
        return out
    }

    /// One server-side apply, classified against the object as it was before.
    func apply(_ dd: DynamoDeployment, namespace: String, client: KubeClient) throws -> ApplyOutcome {
        let resource = DynamoDeployment.resource
        let name = dd.metadata.name ?? ""
        let before: JSONValue?
        do {
            before = try client.get(resource, namespace: namespace, name: name)
        } catch let e as KubeError where e.isNotFound && e.status?.details?.name == name {
            // The object is missing (a missing CRD answers 404 too, but without the object's name).
            before = nil
        }
        let after = try client.patch(resource, namespace: namespace, name: name, patch: .apply(try Self.applyBody(dd, namespace: namespace)),
                                     options: WriteOptions(fieldManager: Self.fieldManager, force: forceConflicts, dryRun: dryRun))
        return ApplyOutcome(before: before, after: after)
    }

    // MARK: - Pure parts (unit-tested)

    /// The object's own namespace wins; a different `--namespace` is an error (as with kubectl).
    static func targetNamespace(object: String?, flag: String?, context: String) throws -> String {
        if let o = object, !o.isEmpty {
            if let f = flag, !f.isEmpty, f != o {
                throw NamespaceMismatch(object: o, flag: f)
            }
            return o
        }
        if let f = flag, !f.isEmpty { return f }
        return context
    }

    struct NamespaceMismatch: Error, CustomStringConvertible {
        var object: String
        var flag: String
        var description: String { "the namespace from the file (\(object)) does not match --namespace (\(flag))" }
    }

    /// What is applied: apiVersion, kind, name, namespace, labels, annotations and spec; never
    /// status or server-owned metadata (uid, resourceVersion, managedFields …).
    static func applyBody(_ dd: DynamoDeployment, namespace: String) throws -> JSONValue {
        var body: JSONValue = ["apiVersion": .string(DynamoDeployment.apiVersion), "kind": .string(DynamoDeployment.kind)]
        body[path: ["metadata", "name"]] = .string(dd.metadata.name ?? "")
        body[path: ["metadata", "namespace"]] = .string(namespace)
        if let labels = dd.metadata.labels, !labels.isEmpty { body[path: ["metadata", "labels"]] = try JSONValue(encoding: labels) }
        if let annotations = dd.metadata.annotations, !annotations.isEmpty {
            body[path: ["metadata", "annotations"]] = try JSONValue(encoding: annotations)
        }
        body["spec"] = try JSONValue(encoding: dd.spec)
        return body
    }

    /// One line for a failed apply.
    static func message(for error: KubeError, namespace: String, server: String) -> String {
        switch error.code {
        case 404:
            return StartupError.crdNotInstalled.description
        case 403:
            return "forbidden: cannot patch \(DynamoDeployment.resource.groupResource) in the namespace \"\(namespace)\": \(error.status?.message ?? "")"
        case 409:
            return "\(error.status?.message ?? "\(error)") (re-run with --force-conflicts to take these fields over)"
        case 422:
            return "refused by the API server: \(error.status?.message ?? "\(error)")"
        default:
            return "\(StartupCheck.classify(error, verb: "patch", resource: DynamoDeployment.resource, namespace: namespace, server: server))"
        }
    }
}

/// kubectl's words for what an apply did.
enum ApplyOutcome: String, Equatable {
    case created, configured, unchanged

    /// Server-maintained fields that change without the object changing (or only in a dry run).
    static let volatileMetadata = ["resourceVersion", "managedFields", "generation"]

    init(before: JSONValue?, after: JSONValue) {
        guard let before else {
            self = .created
            return
        }
        self = Self.comparable(before) == Self.comparable(after) ? .unchanged : .configured
    }

    static func comparable(_ object: JSONValue) -> JSONValue {
        var o = object
        o["status"] = nil
        for key in volatileMetadata { o[path: ["metadata", key]] = nil }
        return o
    }
}

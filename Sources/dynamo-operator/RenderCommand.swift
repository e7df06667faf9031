import ArgumentParser
import DynamoAPI

/// `dynamo-operator render -f FILE`: prints the children the operator would create, offline.
struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Print the Deployments, Services and HPAs a DynamoDeployment produces, as multi-document YAML.",
        discussion: "Objects have no ownerReferences offline (the owner's uid is assigned by the cluster).")

    @Option(name: [.customShort("f"), .customLong("filename")], help: "A DynamoDeployment or IR file (- for standard input).")
    var file: String

    @Option(name: [.customShort("n"), .long], help: "Namespace for objects that do not name one.")
    var namespace: String = "default"

    func run() throws {
        let text = try InputFiles.read(file)
        let documents = try DeploymentLoader.load(yaml: text)
        var failed = false
        var rendered: [String] = []
        for doc in documents {
            guard doc.errors.isEmpty, var dd = doc.deployment else {
                failed = true
                for e in doc.errors { printError("\(file): \(doc.label): \(e)") }
                continue
            }
            if (dd.metadata.namespace ?? "").isEmpty { dd.metadata.namespace = namespace }
            do {
                rendered += try DesiredState.children(of: dd).map { try YAMLWriter.document($0.object) }
            } catch {
                failed = true
                printError("\(file): \(doc.label): \(error)")
            }
        }
        if failed { throw ExitCode(1) }
        print(rendered.joined(separator: "---\n"), terminator: "")
    }
}

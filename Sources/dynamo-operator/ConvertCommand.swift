import ArgumentParser
import DynamoAPI
import KubeModel

/// `dynamo-operator convert -f IR.yaml`: prints the DynamoDeployment an IR document becomes.
struct ConvertCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "convert",
        abstract: "Convert the IR (dynamo deploy's YAML shim) into DynamoDeployment YAML.")

    @Option(name: [.customShort("f"), .customLong("filename")], help: "An IR file (- for standard input).")
    var file: String

    func run() throws {
        let documents = try DeploymentLoader.load(yaml: InputFiles.read(file))
        var failed = false
        var out: [String] = []
        for doc in documents {
            guard doc.source == .ir else {
                failed = true
                printError("\(file): \(doc.label): not an IR document (it has apiVersion/kind)")
                continue
            }
            guard doc.errors.isEmpty, let dd = doc.deployment else {
                failed = true
                for e in doc.errors { printError("\(file): \(doc.label): \(e)") }
                continue
            }
            out.append(try YAMLWriter.document(try JSONValue(encoding: dd)))
        }
        if failed { throw ExitCode(1) }
        print(out.joined(separator: "---\n"), terminator: "")
    }
}

import ArgumentParser
import DynamoAPI

/// `dynamo-operator validate -f FILE…`: checks DynamoDeployment resources and IR documents.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Validate DynamoDeployment resources or IR files; exits 1 listing every error.")

    @Option(name: [.customShort("f"), .customLong("filename")], parsing: .upToNextOption,
            help: "Files to validate (multi-document YAML; - for standard input).")
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ArgumentParser.ValidationError("at least one -f FILE is required") }
    }

    func run() throws {
        let failed = InputFiles.report(files) { file, doc in print("\(file): \(doc.label): valid") }
        if failed { throw ExitCode(1) }
    }
}

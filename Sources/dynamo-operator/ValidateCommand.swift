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
        var failed = false
        for (file, documents, error) in InputFiles.load(files) {
            if let error {
                printError(error)
                failed = true
                continue
            }
            if documents.isEmpty {
                printError("\(file): no documents")
                failed = true
            }
            for doc in documents {
                if doc.errors.isEmpty {
                    print("\(file): \(doc.label): valid")
                } else {
                    failed = true
                    for e in doc.errors { printError("\(file): \(doc.label): \(e)") }
                }
            }
        }
        if failed { throw ExitCode(1) }
    }
}

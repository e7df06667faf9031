import ArgumentParser
import DynamoAPI

/// `dynamo-operator crd`: prints the CustomResourceDefinition.
struct CRDCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "crd",
        abstract: "Print the DynamoDeployment CustomResourceDefinition (deploy/crds/\(CRDGenerator.fileName)).")

    func run() throws {
        print(CRDGenerator.yaml(), terminator: "")
    }
}

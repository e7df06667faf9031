import ArgumentParser

/// The `dynamo-operator` command. Each subcommand lives in its own file; adding one is adding
/// its type to `subcommands`.
@main
struct DynamoOperator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dynamo-operator",
        abstract: "Kubernetes operator for DynamoDeployment (nvidia.com/v1alpha1) and its offline tools.",
        subcommands: [RunCommand.self, DeployCommand.self, ValidateCommand.self, RenderCommand.self, ConvertCommand.self, CRDCommand.self]
    )
}

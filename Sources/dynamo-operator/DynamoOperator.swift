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

    /// Caps malloc's arenas while the main thread is still the only one, then parses and runs
    /// the command. `run()` executes on a cooperative-pool thread: capping there left that
    /// thread's first malloc to open a second arena before the cap applied (see MallocArenas).
    static func main() async {
        MallocArenas.limit()
        await main(nil)
    }
}

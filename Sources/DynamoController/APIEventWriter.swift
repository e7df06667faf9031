import KubeClient
import KubeModel

/// `EventWriter` over `KubeClient`: `events.k8s.io/v1` Events (RBAC verbs create, patch).
///
/// Guarantees: `create` posts the event under the name `EventRecorder` chose
/// (`<object>.<hex timestamp>`, a valid DNS subdomain; the API server refuses a `generateName`
/// ending in a dot); `updateSeries` is a merge patch of `series` only. Neither parses the
/// server's answer (nothing reads it), but a refused write still throws.
public struct APIEventWriter: EventWriter {
    public let client: KubeClient

    public init(client: KubeClient) { self.client = client }

    public func create(_ event: Event) throws {
        try client.createIgnoringResult(Event.resource, namespace: event.metadata.namespace, body: JSONValue(encoding: event))
    }

    public func updateSeries(namespace: String, name: String, series: Event.Series) throws {
        try client.patchIgnoringResult(ResourceDescriptor.events, namespace: namespace, name: name, patch: .merge(try Self.seriesPatch(series)))
    }

    public static func seriesPatch(_ series: Event.Series) throws -> JSONValue {
        ["series": try JSONValue(encoding: series)]
    }
}

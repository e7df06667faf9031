import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
import DynamoAPI
import KubeStandin
@testable import DynamoController

/// A loopback URL nothing listens on: connecting is refused at once.
let closedPortURL = "http://127.0.0.1:1"

func apiError(_ code: Int, _ reason: String, details: APIStatus.Details? = nil) -> KubeError {
    .api(code: code, status: APIStatus(message: "server says \(reason)", reason: reason, details: details, code: code))
}

@Suite struct ClientClusterWriterTests {
    @Test func goneOrReplacedChildrenAreNotErrorsEverythingElseIs() throws {
        #expect(try ClientClusterWriter.deleteResult(apiError(404, StatusReason.notFound)) == false)
        #expect(try ClientClusterWriter.deleteResult(apiError(409, StatusReason.conflict)) == false)
        #expect(throws: KubeError.self) { try ClientClusterWriter.deleteResult(apiError(500, StatusReason.internalError)) }
        #expect(throws: KubeError.self) { try ClientClusterWriter.deleteResult(apiError(403, StatusReason.forbidden)) }
        #expect(throws: KubeError.self) { try ClientClusterWriter.deleteResult(KubeError.transport("refused")) }
    }

    @Test func deletesArePreconditionedOnTheUID() {
        let o = ClientClusterWriter.deleteOptions(uid: "u-7")
        #expect(o.preconditions?.uid == "u-7")
        #expect(o.propagationPolicy == "Background")
    }

    @Test func theStatusPatchMakesTheLiveStatusExactlyTheComputedOne() throws {
        let stale: JSONValue = ["metadata": ["name": "llm", "resourceVersion": "5"],
                                "status": ["phase": "Ready", "readyComponents": "2/2", "observedGeneration": 1,
                                           "components": [["name": "a", "phase": "Ready"], ["name": "b", "phase": "Ready"]]]]
        let next = DynamoDeploymentStatus(observedGeneration: 2, phase: .progressing, components: [ComponentStatus(name: "a", phase: .progressing)])
        let patch = try ClientClusterWriter.statusPatch(next, resourceVersion: "5")
        #expect(patch[path: ["metadata", "resourceVersion"]] == "5")
        let result = stale.applyingMergePatch(patch)
        #expect(try result["status"]?.decode(as: DynamoDeploymentStatus.self) == next)
        // Fields the new status lacks are removed, not left over from the old one.
        #expect(result[path: ["status", "readyComponents"]] == nil)
    }

    @Test func withoutAVersionTheStatusPatchIsUnconditional() throws {
        let patch = try ClientClusterWriter.statusPatch(DynamoDeploymentStatus(), resourceVersion: nil)
        #expect(patch["metadata"] == nil)
    }

    @Test func applyReadsTheAnswerBackOnlyWhenAsked() throws {
        let server = StandinServer(backend: APIServer())
        let url = try server.start()
        defer { server.stop() }
        let writer = ClientClusterWriter(client: KubeClient(config: ClusterConfig(server: url.absoluteString)))
        let service: JSONValue = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "web"],
                                  "spec": ["ports": [["name": "http", "port": 80]]]]
        #expect(try writer.apply(service, resource: .services, namespace: "default", readBack: false) == nil)
        let live = try #require(try writer.apply(service, resource: .services, namespace: "default", readBack: true))
        #expect(live[path: ["metadata", "uid"]]?.stringValue?.isEmpty == false, "the live object, with server-set fields")
        // An answer that is not read still reports a rejection.
        var invalid = service
        invalid[path: ["spec", "ports"]] = [["name": "http", "port": 0]]
        #expect(throws: KubeError.self) { _ = try writer.apply(invalid, resource: .services, namespace: "default", readBack: false) }
    }

    @Test func transportFailuresPropagateFromEveryWrite() {
        let writer = ClientClusterWriter(client: KubeClient(config: ClusterConfig(server: closedPortURL)))
        #expect(throws: KubeError.self) { _ = try writer.delete(resource: .deployments, namespace: "ns", name: "x", uid: "u") }
        for readBack in [true, false] {
            #expect(throws: KubeError.self) { _ = try writer.apply(["metadata": ["name": "x"]], resource: .deployments, namespace: "ns", readBack: readBack) }
        }
        #expect(throws: KubeError.self) { try writer.writeStatus(DynamoDeploymentStatus(), of: dd("llm")) }
    }
}

@Suite struct APIEventWriterTests {
    /// The API server's rule for object names (RFC 1123 subdomain, ≤ 253).
    static var dnsSubdomain: Regex<(Substring, Substring?, Substring?, Substring?)> {
        /[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/
    }

    @Test func recordedEventsCarryAValidNameAndNoGenerateName() throws {
        final class Capture: EventWriter, @unchecked Sendable {
            let events = Mutex([Event]())
            func create(_ event: Event) throws { events.withLock { $0.append(event) } }
            func updateSeries(namespace: String, name: String, series: Event.Series) throws {}
        }
        let capture = Capture()
        let recorder = EventRecorder(writer: capture, instance: "pod-a")
        let ref = ObjectReference(apiVersion: DynamoDeployment.apiVersion, kind: DynamoDeployment.kind, namespace: "ns", name: "llm", uid: "u1")
        recorder.record(regarding: ref, type: .normal, reason: "Created", note: "created Deployment llm-a")
        recorder.record(regarding: ref, type: .warning, reason: "InvalidSpec", note: "cycle")
        recorder.flush()
        let events = capture.events.withLock { $0 }
        #expect(events.count == 2)
        for e in events {
            let name = try #require(e.metadata.name)
            #expect(name.wholeMatch(of: Self.dnsSubdomain) != nil && name.count <= 253, "\(name)")
            #expect(name.hasPrefix("llm."))
            #expect(e.metadata.generateName == nil)
        }
    }

    @Test func eventsAndSeriesUpdatesLandAndRefusalsThrow() throws {
        let server = StandinServer(backend: APIServer())
        let url = try server.start()
        defer { server.stop() }
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString))
        let writer = APIEventWriter(client: client)
        let ref = ObjectReference(apiVersion: DynamoDeployment.apiVersion, kind: DynamoDeployment.kind, namespace: "default", name: "llm", uid: "u1")
        let event = Event(metadata: ObjectMeta(name: "llm.1", namespace: "default"), eventTime: "2026-01-01T00:00:00.000000Z",
                          reportingController: "nvidia.com/dynamo-operator", reportingInstance: "pod-a", action: "Reconcile",
                          reason: "Created", note: "created Deployment llm-a", type: "Normal", regarding: ref)
        try writer.create(event)
        try writer.updateSeries(namespace: "default", name: "llm.1", series: Event.Series(count: 2, lastObservedTime: "2026-01-01T00:00:01.000000Z"))
        let live = try client.get(.events, namespace: "default", name: "llm.1")
        #expect(live["note"] == "created Deployment llm-a")
        #expect(live[path: ["series", "count"]] == 2)
        #expect(throws: KubeError.self) { try writer.create(event) }  // the name is taken
        #expect(throws: KubeError.self) {
            try writer.updateSeries(namespace: "default", name: "missing", series: Event.Series(count: 2, lastObservedTime: "2026-01-01T00:00:01.000000Z"))
        }
    }

    @Test func seriesUpdatesPatchOnlyTheSeries() throws {
        let patch = try APIEventWriter.seriesPatch(Event.Series(count: 3, lastObservedTime: "2026-01-01T00:00:00.000000Z"))
        #expect(patch == ["series": ["count": 3, "lastObservedTime": "2026-01-01T00:00:00.000000Z"]])
    }
}

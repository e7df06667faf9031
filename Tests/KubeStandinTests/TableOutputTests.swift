import Foundation
import KubeModel
import Synchronization
import Testing
@testable import KubeStandin

/// Server-side printing: the printer-column JSONPath subset, ages, and Tables through `APIServer.handle`.
@Suite struct TableOutputTests {
    static let tableAccept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json"
    static let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    // MARK: - JSONPath

    static let doc: JSONValue = [
        "status": [
            "phase": "Ready", "readyComponents": "3/3", "replicas": 3, "ratio": 0.5,
            "conditions": [["type": "Progressing", "status": "False"], ["type": "Ready", "status": "True", "n": 2]],
        ],
        "spec": ["components": [["name": "a", "ports": [["port": 80]]], ["name": "b"]]],
    ]

    @Test(arguments: [
        (".status.phase", ["Ready"] as [JSONValue]),
        ("{.status.readyComponents}", ["3/3"]),
        (".spec.components[0].name", ["a"]),
        (".spec.components[-1].name", ["b"]),
        (".spec.components[*].name", ["a", "b"]),
        (".spec.components[0].ports[0].port", [80]),
        (".status.conditions[?(@.type==\"Ready\")].status", ["True"]),
        (".status.conditions[?(@.type == 'Progressing')].status", ["False"]),
        (".status.conditions[?(@.n > 1)].type", ["Ready"]),
        (".status.conditions[?(@.n)].type", ["Ready"]),
        (".status['phase']", ["Ready"]),
        (".status.missing.deeper", []),
        (".spec.components[7].name", []),
        (".status.conditions[?(@.type==\"Nope\")].status", []),
    ])
    func jsonPathSubset(path: String, expected: [JSONValue]) throws {
        let p = try #require(PrinterJSONPath(path))
        #expect(p.evaluate(Self.doc) == expected)
    }

    @Test(arguments: ["", ".", "..a", ".a[", ".a[1:2]", ".a[?(@.x==)]", "a.b", ".a[?(@.x==\"y\"]"])
    func malformedPathsDoNotParse(path: String) {
        #expect(PrinterJSONPath(path) == nil)
    }

    @Test func humanDurationsMatchTheServersPrinter() {
        let cases: [(TimeInterval, String)] = [(-5, "<invalid>"), (-1, "0s"), (0, "0s"), (59, "59s"), (119, "119s"), (120, "2m"),
                                               (125, "2m5s"), (600, "10m"), (179 * 60, "179m"), (3 * 3600, "3h"), (3 * 3600 + 60, "3h1m"),
                                               (8 * 3600, "8h"), (47 * 3600, "47h"), (48 * 3600, "2d"), (50 * 3600, "2d2h"),
                                               (8 * 86400, "8d"), (730 * 86400, "2y"), (731 * 86400, "2y1d"), (9 * 365 * 86400, "9y")]
        for (interval, text) in cases { #expect(HumanDuration.format(interval) == text, "\(interval)") }
    }

    // MARK: - Tables of custom resources

    static let crd: JSONValue = [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": ["name": "gadgets.example.com"],
        "spec": [
            "group": "example.com", "scope": "Namespaced",
            "names": ["plural": "gadgets", "singular": "gadget", "kind": "Gadget", "listKind": "GadgetList"],
            "versions": [[
                "name": "v1", "served": true, "storage": true, "subresources": ["status": [:]],
                "additionalPrinterColumns": [
                    ["name": "Ready", "type": "string", "jsonPath": ".status.conditions[?(@.type==\"Ready\")].status", "description": "Ready condition"],
                    ["name": "Size", "type": "integer", "jsonPath": ".spec.size"],
                    ["name": "Tags", "type": "string", "jsonPath": ".spec.tags", "priority": 1],
                    ["name": "Age", "type": "date", "jsonPath": ".metadata.creationTimestamp"],
                ],
                "schema": ["openAPIV3Schema": [
                    "type": "object",
                    "properties": [
                        "spec": ["type": "object", "properties": ["size": ["type": "integer"], "tags": ["type": "array", "items": ["type": "string"]]]],
                        "status": ["type": "object", "properties": [
                            "conditions": ["type": "array", "items": ["type": "object", "x-kubernetes-preserve-unknown-fields": true]],
                        ]],
                    ],
                ]],
            ]],
        ],
    ]
    static let gadgets = "/apis/example.com/v1/namespaces/default/gadgets"

    /// A server whose clock starts at `t0` and can be moved.
    static func server() -> (APIServer, ClockBox) {
        let clock = ClockBox(t0)
        let server = APIServer(options: .init(now: { clock.now }))
        #expect(server.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd).status == 201)
        return (server, clock)
    }

    func get(_ server: APIServer, _ path: String, query: [String: String] = [:], accept: String = Self.tableAccept) -> Reply {
        let response = server.handle(StandinRequest(method: "GET", path: path, query: query, headers: ["accept": accept]))
        guard case .full(let status, let headers, let body) = response else {
            Issue.record("unexpected watch")
            return Reply(status: 0, headers: [], body: Data())
        }
        return Reply(status: status, headers: headers, body: body)
    }

    @Test func listOfCustomResourcesIsATableOfPrinterColumns() throws {
        let (server, clock) = Self.server()
        let body: JSONValue = ["apiVersion": "example.com/v1", "kind": "Gadget", "metadata": ["name": "g1", "labels": ["a": "b"]],
                               "spec": ["size": 3, "tags": ["x", "y"]]]
        #expect(server.call("POST", Self.gadgets, body: body).status == 201)
        #expect(server.call("PATCH", Self.gadgets + "/g1/status", body: ["status": ["conditions": [["type": "Ready", "status": "True"]]]],
                            contentType: "application/merge-patch+json").status == 200)
        #expect(server.call("POST", Self.gadgets, body: ["apiVersion": "example.com/v1", "kind": "Gadget", "metadata": ["name": "g2"]]).status == 201)
        clock.advance(125)

        let r = get(server, Self.gadgets)
        #expect(r.status == 200)
        #expect(r.header("content-type") == "application/json")
        let table = try #require(r.json)
        #expect(table["kind"] == "Table" && table["apiVersion"] == "meta.k8s.io/v1")
        #expect(table[path: ["metadata", "resourceVersion"]] == .string(String(server.currentResourceVersion)))
        let columns = table["columnDefinitions"]?.arrayValue ?? []
        #expect(columns.map { $0["name"] } == ["Name", "Ready", "Size", "Tags", "Age"])
        #expect(columns.first == ["name": "Name", "type": "string", "format": "name", "description": .string(TablePrinter.nameDescription), "priority": 0])
        #expect(columns[1] == ["name": "Ready", "type": "string", "format": "", "description": "Ready condition", "priority": 0])
        #expect(columns[3]["priority"] == 1)
        #expect(columns[4]["type"] == "date" && columns[4]["description"] == "Custom resource definition column (in JSONPath format): .metadata.creationTimestamp")
        let rows = table["rows"]?.arrayValue ?? []
        #expect(rows.count == 2)
        #expect(rows.first?["cells"] == ["g1", "True", 3, "[\"x\",\"y\"]", "2m5s"])
        #expect(rows.last?["cells"] == ["g2", .null, .null, .null, "2m5s"])
        let object = try #require(rows.first?["object"])
        #expect(object["kind"] == "PartialObjectMetadata" && object["apiVersion"] == "meta.k8s.io/v1")
        #expect(object[path: ["metadata", "labels", "a"]] == "b" && object[path: ["metadata", "name"]] == "g1")
        #expect(object["spec"] == nil)
    }

    @Test func getOfOneObjectAndIncludeObjectChoices() throws {
        let (server, _) = Self.server()
        let created = server.call("POST", Self.gadgets, body: ["apiVersion": "example.com/v1", "kind": "Gadget", "metadata": ["name": "g1"], "spec": ["size": 1]])
        let one = try #require(get(server, Self.gadgets + "/g1", query: ["includeObject": "Object"]).json)
        #expect(one["kind"] == "Table")
        #expect(one[path: ["metadata", "resourceVersion"]] == created.json?[path: ["metadata", "resourceVersion"]])
        let row = try #require(one["rows"]?.arrayValue?.first)
        #expect(row["object"]?["kind"] == "Gadget" && row["object"]?[path: ["spec", "size"]] == 1)
        let none = try #require(get(server, Self.gadgets, query: ["includeObject": "None"]).json)
        #expect(none["rows"]?.arrayValue?.first?["object"] == .null)
        let beta = try #require(get(server, Self.gadgets, accept: "application/json;as=Table;v=v1beta1;g=meta.k8s.io").json)
        #expect(beta["apiVersion"] == "meta.k8s.io/v1beta1")
        #expect(beta["rows"]?.arrayValue?.first?[path: ["object", "apiVersion"]] == "meta.k8s.io/v1beta1")
        let bad = get(server, Self.gadgets, query: ["includeObject": "Everything"])
        #expect(bad.status == 400 && bad.message == "unrecognized includeObject value: \"Everything\"")
        // Plain JSON when the Accept does not ask for a Table, and errors stay Status.
        #expect(get(server, Self.gadgets, accept: "application/json").json?["kind"] == "GadgetList")
        #expect(get(server, Self.gadgets + "/nope").json?["kind"] == "Status")
    }

    @Test func builtinPrintersForDeploymentsServicesAndTheGenericDefault() throws {
        let server = APIServer(options: .init(now: { Self.t0 }))
        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"],
            "spec": ["replicas": 2, "selector": ["matchLabels": ["app": "web"]],
                     "template": ["metadata": ["labels": ["app": "web"]], "spec": ["containers": [["name": "main", "image": "nginx:1"]]]]],
        ]
        #expect(server.call("POST", "/apis/apps/v1/namespaces/default/deployments", body: deployment).status == 201)
        let d = try #require(get(server, "/apis/apps/v1/namespaces/default/deployments").json)
        #expect(d["columnDefinitions"]?.arrayValue?.map { $0["name"] } == ["Name", "Ready", "Up-to-date", "Available", "Age", "Containers", "Images", "Selector"])
        #expect(d["rows"]?.arrayValue?.first?["cells"] == ["web", "0/2", 0, 0, "0s", "main", "nginx:1", "app=web"])

        let service: JSONValue = ["apiVersion": "v1", "kind": "Service", "metadata": ["name": "web"],
                                  "spec": ["selector": ["app": "web"], "ports": [["port": 8080]]]]
        let created = try #require(server.call("POST", "/api/v1/namespaces/default/services", body: service).json)
        let ip = created[path: ["spec", "clusterIP"]]?.stringValue ?? "?"
        let s = try #require(get(server, "/api/v1/namespaces/default/services/web").json)
        #expect(s["columnDefinitions"]?.arrayValue?.map { $0["name"] } == ["Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"])
        #expect(s["rows"]?.arrayValue?.first?["cells"] == ["web", "ClusterIP", .string(ip), "<none>", "8080/TCP", "0s", "app=web"])

        let pods = try #require(get(server, "/api/v1/namespaces/default/pods").json)
        #expect(pods["columnDefinitions"]?.arrayValue?.map { $0["name"] } == ["Name", "Created At"])
        #expect(pods["rows"] == [])
    }

    @Test func watchEventsAreOneRowTablesWithHeadersOnlyFirst() throws {
        let (server, _) = Self.server()
        #expect(server.call("POST", Self.gadgets, body: ["apiVersion": "example.com/v1", "kind": "Gadget", "metadata": ["name": "g1"], "spec": ["size": 1]]).status == 201)
        let response = server.handle(StandinRequest(method: "GET", path: Self.gadgets, query: ["watch": "true", "resourceVersion": "0"],
                                                    headers: ["accept": Self.tableAccept]))
        let w = WatchCollector(response)
        defer { w.stream?.cancel() }
        #expect(server.call("PATCH", Self.gadgets + "/g1", body: ["spec": ["size": 2]], contentType: "application/merge-patch+json").status == 200)
        #expect(waitFor { w.events.count >= 2 })
        let events = w.events
        #expect(events.map { $0["type"] } == ["ADDED", "MODIFIED"])
        #expect(events[0][path: ["object", "kind"]] == "Table")
        #expect(events[0][path: ["object", "columnDefinitions"]]?.arrayValue?.count == 5)
        #expect(events[1][path: ["object", "columnDefinitions"]] == .null)
        #expect(events[1][path: ["object", "rows"]]?.arrayValue?.first?["cells"]?.arrayValue?.prefix(3) == ["g1", .null, 2])
        #expect(events[1][path: ["object", "rows"]]?.arrayValue?.first?[path: ["object", "kind"]] == "PartialObjectMetadata")
    }
}

/// A settable clock for tests.
final class ClockBox: Sendable {
    private let value: Mutex<Date>
    init(_ start: Date) { value = Mutex(start) }
    var now: Date { value.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { value.withLock { $0 += seconds } }
}

import Foundation
import KubeModel
import Testing
@testable import KubeStandin

@Suite struct CustomResourceTests {
    static let crd: JSONValue = [
        "apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
        "metadata": ["name": "widgets.example.com"],
        "spec": [
            "group": "example.com", "scope": "Namespaced",
            "names": ["plural": "widgets", "singular": "widget", "kind": "Widget", "listKind": "WidgetList",
                      "shortNames": ["wd"], "categories": ["all"]],
            "versions": [[
                "name": "v1", "served": true, "storage": true,
                "subresources": ["status": [:]],
                "schema": ["openAPIV3Schema": [
                    "type": "object",
                    "properties": [
                        "spec": ["type": "object", "required": ["size"], "properties": [
                            "size": ["type": "integer", "minimum": 1],
                            "color": ["type": "string", "enum": ["red", "blue"], "default": "red"],
                        ]],
                        "status": ["type": "object", "properties": ["ready": ["type": "boolean"]]],
                    ],
                ]],
            ]],
        ],
    ]
    static let widgets = "/apis/example.com/v1/namespaces/default/widgets"

    static func widget(_ name: String, _ spec: JSONValue) -> JSONValue {
        ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": ["name": .string(name)], "spec": spec]
    }

    static func serverWithCRD() -> APIServer {
        let server = APIServer()
        _ = server.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd)
        return server
    }

    @Test func creatingACRDEstablishesAndRegistersIt() throws {
        let server = APIServer()
        #expect(server.call("GET", Self.widgets).status == 404)
        let r = server.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: Self.crd)
        #expect(r.status == 201)
        let conditions = r.json?[path: ["status", "conditions"]]?.arrayValue ?? []
        #expect(conditions.contains { $0["type"] == "Established" && $0["status"] == "True" })
        #expect(conditions.contains { $0["type"] == "NamesAccepted" && $0["status"] == "True" })
        #expect(r.json?[path: ["status", "acceptedNames", "kind"]] == "Widget")
        let list = try #require(server.call("GET", Self.widgets).json)
        #expect(list["kind"] == "WidgetList")
        let discovery = try #require(server.call("GET", "/apis/example.com/v1").json)
        let res = discovery["resources"]?.arrayValue ?? []
        let widgets = try #require(res.first { $0["name"] == "widgets" })
        #expect(widgets["kind"] == "Widget" && widgets["singularName"] == "widget" && widgets["namespaced"] == true)
        #expect(widgets["shortNames"] == ["wd"] && widgets["categories"] == ["all"])
        #expect(res.contains { $0["name"] == "widgets/status" })
        let groups = server.call("GET", "/apis").json?["groups"]?.arrayValue ?? []
        #expect(groups.contains { $0["name"] == "example.com" && $0[path: ["preferredVersion", "version"]] == "v1" })
    }

    @Test func schemaPrunesDefaultsAndValidates() throws {
        let server = Self.serverWithCRD()
        let ok = server.call("POST", Self.widgets, body: Self.widget("w", ["size": 2, "unknown": "x"]))
        #expect(ok.status == 201)
        #expect(ok.json?[path: ["spec", "unknown"]] == nil)
        #expect(ok.json?[path: ["spec", "color"]] == "red")
        #expect(ok.json?[path: ["metadata", "generation"]] == 1)
        let bad = server.call("POST", Self.widgets, body: Self.widget("bad", ["size": 0, "color": "green"]))
        #expect(bad.status == 422)
        #expect(bad.reason == "Invalid")
        #expect(bad.message?.hasPrefix("Widget.example.com \"bad\" is invalid: [") == true)
        let fields = bad.json?[path: ["details", "causes"]]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        #expect(fields.contains("spec.size") && fields.contains("spec.color"))
        #expect(bad.json?[path: ["details", "group"]] == "example.com" && bad.json?[path: ["details", "kind"]] == "Widget")
        let missing = server.call("POST", Self.widgets, body: Self.widget("m", [:]))
        #expect(missing.status == 422)
        #expect(missing.message == "Widget.example.com \"m\" is invalid: spec.size: Required value")
    }

    @Test func customResourcesKeepTypeMetaInListsAndIsolateStatus() throws {
        let server = Self.serverWithCRD()
        _ = server.call("POST", Self.widgets, body: Self.widget("w", ["size": 2]))
        let item = try #require(server.call("GET", Self.widgets).json?["items"]?.arrayValue?.first)
        #expect(item["kind"] == "Widget" && item["apiVersion"] == "example.com/v1")
        var obj = try #require(server.call("GET", Self.widgets + "/w").json)
        obj["status"] = ["ready": true]
        obj[path: ["spec", "size"]] = 9
        let st = server.call("PUT", Self.widgets + "/w/status", body: obj)
        #expect(st.json?[path: ["status", "ready"]] == true)
        #expect(st.json?[path: ["spec", "size"]] == 2)
        #expect(server.requestCounts()["update widgets.example.com/status"] == 1)
    }

    /// apiextensions-apiserver checks a status write against the schema's `status` alone: a spec
    /// a later, stricter CRD would reject does not block the controller's status writes.
    @Test func statusWritesAreCheckedAgainstTheStatusSchemaOnly() throws {
        let server = Self.serverWithCRD()
        #expect(server.call("POST", Self.widgets, body: Self.widget("w", ["size": 2])).status == 201)
        let crdPath = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com"
        var crd = try #require(server.call("GET", crdPath).json)
        let minimum = ["spec", "versions"]
        var versions = try #require(crd[path: minimum]?.arrayValue)
        versions[0][path: ["schema", "openAPIV3Schema", "properties", "spec", "properties", "size", "minimum"]] = 5
        crd[path: minimum] = .array(versions)
        #expect(server.call("PUT", crdPath, body: crd).status == 200)

        let merge = "application/merge-patch+json"
        let ok = server.call("PATCH", Self.widgets + "/w/status", body: ["status": ["ready": true, "extra": 1]], contentType: merge)
        #expect(ok.status == 200)
        #expect(ok.json?[path: ["status", "ready"]] == true)
        #expect(ok.json?[path: ["status", "extra"]] == nil)
        #expect(ok.json?[path: ["spec", "size"]] == 2)

        let bad = server.call("PATCH", Self.widgets + "/w/status", body: ["status": ["ready": "yes"]], contentType: merge)
        #expect(bad.status == 422)
        let fields = bad.json?[path: ["details", "causes"]]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
        #expect(fields == ["status.ready"])

        let spec = server.call("PATCH", Self.widgets + "/w", body: ["spec": ["color": "blue"]], contentType: merge)
        #expect(spec.status == 422)
        #expect(spec.message?.contains("spec.size") == true)
    }

    @Test func generationOfCustomResourcesTracksSpecOnly() throws {
        let server = Self.serverWithCRD()
        _ = server.call("POST", Self.widgets, body: Self.widget("w", ["size": 2]))
        let st = server.call("PATCH", Self.widgets + "/w/status", body: ["status": ["ready": true]], contentType: "application/merge-patch+json")
        #expect(st.json?[path: ["metadata", "generation"]] == 1)
        let meta = server.call("PATCH", Self.widgets + "/w", body: ["metadata": ["annotations": ["a": "b"]]], contentType: "application/merge-patch+json")
        #expect(meta.json?[path: ["metadata", "generation"]] == 1)
        let spec = server.call("PATCH", Self.widgets + "/w", body: ["spec": ["size": 3]], contentType: "application/merge-patch+json")
        #expect(spec.json?[path: ["metadata", "generation"]] == 2)
        #expect(spec.json?[path: ["status", "ready"]] == true)
    }

    @Test func servedVersionsShareStorageAndAnswerInTheRequestedVersion() async throws {
        var crd = Self.crd
        var v1 = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first)
        var beta = v1
        beta["name"] = "v1beta1"
        beta["storage"] = false
        v1["storage"] = true
        crd[path: ["spec", "versions"]] = [beta, v1]
        let server = APIServer()
        #expect(server.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: crd).status == 201)
        let group = try #require(server.call("GET", "/apis/example.com").json)
        #expect(group[path: ["preferredVersion", "version"]] == "v1")
        #expect(group["versions"]?.arrayValue?.count == 2)
        let betaPath = "/apis/example.com/v1beta1/namespaces/default/widgets"
        let w = server.watch(betaPath, query: ["resourceVersion": String(server.currentResourceVersion)])
        _ = server.call("POST", Self.widgets, body: Self.widget("w", ["size": 2]))
        #expect(server.call("GET", betaPath + "/w").json?["apiVersion"] == "example.com/v1beta1")
        #expect(await w.wait { $0.first?[path: ["object", "apiVersion"]] == "example.com/v1beta1" })
        w.cancel()
    }

    @Test func deletingTheCRDRemovesTheResourceAndItsObjects() async {
        let server = Self.serverWithCRD()
        _ = server.call("POST", Self.widgets, body: Self.widget("w", ["size": 2]))
        let w = server.watch(Self.widgets, query: ["resourceVersion": String(server.currentResourceVersion)])
        #expect(server.call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/widgets.example.com").status == 200)
        #expect(await w.waitForEnd() == .finished)
        #expect(w.types() == ["DELETED"])
        #expect(server.call("GET", Self.widgets).status == 404)
        #expect(server.call("GET", "/apis/example.com/v1").status == 404)
        // Re-creating it starts empty.
        _ = server.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: Self.crd)
        #expect(server.call("GET", Self.widgets).json?["items"] == [])
    }
}

import Foundation
import KubeModel
import Testing
@testable import KubeStandin

/// `/openapi/v3` documents and `fieldValidation` on custom resources.
@Suite struct OpenAPIAndFieldValidationTests {
    static func server() -> APIServer {
        let server = APIServer()
        #expect(server.call("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", body: TableOutputTests.crd).status == 201)
        return server
    }

    @Test func discoveryListsEveryGroupVersionWithAHashedURL() throws {
        let server = Self.server()
        let root = try #require(server.call("GET", "/openapi/v3").json?["paths"]?.objectValue)
        for gv in ["api/v1", "apis/apps/v1", "apis/apiextensions.k8s.io/v1", "apis/coordination.k8s.io/v1", "apis/example.com/v1"] {
            let url = try #require(root[gv]?["serverRelativeURL"]?.stringValue, "\(gv)")
            #expect(url.hasPrefix("/openapi/v3/\(gv)?hash="))
        }
        let url = try #require(root["apis/example.com/v1"]?["serverRelativeURL"]?.stringValue)
        let hash = String(url.split(separator: "=").last ?? "")
        let doc = server.call("GET", "/openapi/v3/apis/example.com/v1", query: ["hash": hash])
        #expect(doc.status == 200 && doc.header("cache-control") == "public, immutable")
        let stale = server.call("GET", "/openapi/v3/apis/example.com/v1", query: ["hash": "0000"])
        #expect(stale.status == 301 && stale.header("location") == url)
        #expect(server.call("GET", "/openapi/v3/apis/nope.example/v1").status == 404)
    }

    @Test func customResourceDocumentCarriesTheCRDSchemaAndTheFieldValidationParameter() throws {
        let server = Self.server()
        let doc = try #require(server.call("GET", "/openapi/v3/apis/example.com/v1").json)
        #expect(doc["openapi"] == "3.0.0" && doc[path: ["info", "title"]] == "Kubernetes")
        let schema = try #require(doc[path: ["components", "schemas", "com.example.v1.Gadget"]])
        #expect(schema["x-kubernetes-group-version-kind"] == [["group": "example.com", "version": "v1", "kind": "Gadget"]])
        #expect(schema[path: ["properties", "spec", "properties", "size", "type"]] == "integer")
        #expect(schema[path: ["properties", "metadata", "allOf"]] == [["$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"]])
        #expect(doc[path: ["components", "schemas", "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta", "type"]] == "object")
        let item = try #require(doc[path: ["paths", "/apis/example.com/v1/namespaces/{namespace}/gadgets/{name}"]])
        let patch = try #require(item["patch"])
        #expect(patch["x-kubernetes-group-version-kind"] == ["group": "example.com", "version": "v1", "kind": "Gadget"])
        #expect(patch["x-kubernetes-action"] == "patch" && patch["operationId"] == "patchExampleComV1NamespacedGadget")
        let params = patch["parameters"]?.arrayValue ?? []
        #expect(params.contains { $0["name"] == "fieldValidation" && $0["in"] == "query" })
        #expect(patch[path: ["requestBody", "content", "application/strategic-merge-patch+json"]] == nil)
        #expect(doc[path: ["paths", "/apis/example.com/v1/namespaces/{namespace}/gadgets/{name}/status", "patch", "parameters"]]?
            .arrayValue?.contains { $0["name"] == "fieldValidation" } == true)
        #expect(doc[path: ["paths", "/apis/example.com/v1/gadgets", "get", "x-kubernetes-action"]] == "list")

        let apps = try #require(server.call("GET", "/openapi/v3/apis/apps/v1").json)
        #expect(apps[path: ["components", "schemas", "io.k8s.api.apps.v1.Deployment", "x-kubernetes-group-version-kind"]] ==
                [["group": "apps", "version": "v1", "kind": "Deployment"]])
        #expect(apps[path: ["paths", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale", "patch", "x-kubernetes-group-version-kind", "kind"]] == "Scale")
    }

    @Test func openAPIV2IsAnEmptySwaggerDocumentInJSONOrProtobuf() throws {
        let server = APIServer()
        let json = try #require(server.call("GET", "/openapi/v2").json)
        #expect(json["swagger"] == "2.0" && json["paths"] == [:])
        let r = server.handle(StandinRequest(method: "GET", path: "/openapi/v2", headers: ["accept": OpenAPIV2.protobufMediaType]))
        guard case .full(200, let headers, let body) = r else { Issue.record("no 200"); return }
        #expect(headers.contains { $0.0 == "content-type" && $0.1 == OpenAPIV2.protobufMediaType })
        // field 1 (swagger) = "2.0", then field 2 (info).
        #expect(Array(body.prefix(6)) == [0x0A, 3, 0x32, 0x2E, 0x30, 0x12])
    }

    static let gadgets = TableOutputTests.gadgets
    static func gadget(_ spec: JSONValue) -> JSONValue {
        ["apiVersion": "example.com/v1", "kind": "Gadget", "metadata": ["name": "g1", "bogus": 1], "spec": spec]
    }

    @Test func strictRejectsUnknownFieldsOnCreateAndPatch() throws {
        let server = Self.server()
        let r = server.call("POST", Self.gadgets, query: ["fieldValidation": "Strict"], body: Self.gadget(["size": 1, "foo": 1, "bar": ["x": 1]]))
        #expect(r.status == 400 && r.reason == "BadRequest")
        #expect(r.message == "Gadget in version \"v1\" cannot be handled as a Gadget: strict decoding error: unknown field \"metadata.bogus\", unknown field \"spec.bar\", unknown field \"spec.foo\"")
        #expect(server.object(group: "example.com", plural: "gadgets", namespace: "default", name: "g1") == nil)

        #expect(server.call("POST", Self.gadgets, query: ["fieldValidation": "Strict"], body: Self.gadget(["size": 1]).applyingMergePatch(["metadata": ["bogus": .null]])).status == 201)
        let p = server.call("PATCH", Self.gadgets + "/g1", query: ["fieldValidation": "Strict"], body: ["spec": ["foo": 2, "tags": .null]],
                            contentType: "application/merge-patch+json")
        #expect(p.status == 400 && p.message == "strict decoding error: unknown field \"spec.foo\"")
        let j = server.call("PATCH", Self.gadgets + "/g1", query: ["fieldValidation": "Strict"], body: [["op": "add", "path": "/spec/zap", "value": 1]],
                            contentType: "application/json-patch+json")
        #expect(j.status == 400 && j.message == "strict decoding error: unknown field \"spec.zap\"")
        // Deleting an unknown field (null) adds nothing: accepted.
        #expect(server.call("PATCH", Self.gadgets + "/g1", query: ["fieldValidation": "Strict"], body: ["spec": ["foo": .null, "size": 4]],
                            contentType: "application/merge-patch+json").status == 200)
    }

    @Test func warnIsTheDefaultAndIgnoreIsSilent() throws {
        let server = Self.server()
        for query in [["fieldValidation": "Warn"], [:]] {
            let r = server.call("POST", Self.gadgets, query: query, body: Self.gadget(["size": 1, "foo": 1]))
            #expect(r.status == 201)
            let warnings = r.headers.filter { $0.0 == "Warning" }.map(\.1)
            #expect(warnings == ["299 - \"unknown field \\\"metadata.bogus\\\"\"", "299 - \"unknown field \\\"spec.foo\\\"\""])
            #expect(r.json?[path: ["spec", "foo"]] == nil)
            _ = server.call("DELETE", Self.gadgets + "/g1")
        }
        let r = server.call("POST", Self.gadgets, query: ["fieldValidation": "Ignore"], body: Self.gadget(["size": 1, "foo": 1]))
        #expect(r.status == 201 && !r.headers.contains { $0.0 == "Warning" } && r.json?[path: ["spec", "foo"]] == nil)
    }

    @Test func serverSideApplyOfAnUndeclaredFieldFailsLikeTheRealServer() throws {
        let server = Self.server()
        var config = Self.gadget(["size": 1, "foo": 1])
        config[path: ["metadata", "bogus"]] = nil
        let r = server.call("PATCH", Self.gadgets + "/g1", query: ["fieldManager": "kubectl", "fieldValidation": "Strict"], body: config,
                            contentType: "application/apply-patch+yaml")
        #expect(r.status == 500)
        #expect(r.message == "failed to create typed patch object (default/g1; example.com/v1, Kind=Gadget): .spec.foo: field not declared in schema")
        config[path: ["spec", "foo"]] = nil
        #expect(server.call("PATCH", Self.gadgets + "/g1", query: ["fieldManager": "kubectl", "fieldValidation": "Strict"], body: config,
                            contentType: "application/apply-patch+yaml").status == 201)
    }
}

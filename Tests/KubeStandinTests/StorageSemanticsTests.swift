import Foundation
import KubeModel
import Testing
@testable import KubeStandin

@Suite struct StorageSemanticsTests {
    let d = CoreFixtures.deployments

    @Test func createFillsServerMetadata() throws {
        let server = APIServer(options: .init(now: { Date(timeIntervalSince1970: 1_795_358_624) }))
        let r = server.call("POST", d, body: CoreFixtures.deployment("web"))
        #expect(r.status == 201)
        let o = try #require(r.json)
        #expect(o["kind"] == "Deployment" && o["apiVersion"] == "apps/v1")
        #expect(o[path: ["metadata", "namespace"]] == "default")
        #expect(o[path: ["metadata", "generation"]] == 1)
        #expect(o[path: ["metadata", "creationTimestamp"]] == "2026-11-22T14:43:44Z")
        let uid = try #require(o[path: ["metadata", "uid"]]?.stringValue)
        #expect(uid == uid.lowercased() && UUID(uuidString: uid) != nil)
        let rv = try #require(o[path: ["metadata", "resourceVersion"]]?.stringValue)
        #expect(rv == String(server.currentResourceVersion))
        #expect(o[path: ["metadata", "managedFields"]]?.arrayValue?.first?["manager"] == "standin-tests")
        #expect(server.call("POST", d, body: CoreFixtures.deployment("web")).reason == "AlreadyExists")
    }

    @Test func generationBumpsOnlyOnSpecChanges() throws {
        let server = APIServer()
        _ = server.call("POST", d, body: CoreFixtures.deployment("web"))
        let labels = server.call("PATCH", d + "/web", body: ["metadata": ["labels": ["extra": "1"]]], contentType: "application/merge-patch+json")
        #expect(labels.status == 200)
        #expect(labels.json?[path: ["metadata", "generation"]] == 1)
        let status = server.call("PATCH", d + "/web/status", body: ["status": ["replicas": 1]], contentType: "application/merge-patch+json")
        #expect(status.json?[path: ["metadata", "generation"]] == 1)
        let spec = server.call("PATCH", d + "/web", body: ["spec": ["replicas": 3]], contentType: "application/merge-patch+json")
        #expect(spec.json?[path: ["metadata", "generation"]] == 2)
        // A write that changes nothing is a no-op: same resourceVersion, no new generation.
        let before = spec.json?[path: ["metadata", "resourceVersion"]]
        let same = server.call("PATCH", d + "/web", body: ["spec": ["replicas": 3]], contentType: "application/merge-patch+json")
        #expect(same.json?[path: ["metadata", "resourceVersion"]] == before)
        #expect(same.json?[path: ["metadata", "generation"]] == 2)
    }

    @Test func concurrentWritersGetUniqueOrderedResourceVersions() async throws {
        let server = APIServer()
        let w = server.watch(CoreFixtures.configMaps, query: ["resourceVersion": String(server.currentResourceVersion)])
        await withTaskGroup(of: Void.self) { group in
            for t in 0..<8 {
                group.addTask {
                    for i in 0..<25 { _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("t\(t)-\(i)")) }
                }
            }
        }
        #expect(await w.wait { $0.count == 200 })
        let rvs = w.events.compactMap { $0[path: ["object", "metadata", "resourceVersion"]]?.stringValue.flatMap { Int64($0) } }
        #expect(rvs.count == 200)
        #expect(rvs == rvs.sorted() && Set(rvs).count == 200)
        #expect(server.call("GET", CoreFixtures.configMaps).json?["items"]?.arrayValue?.count == 200)
        w.cancel()
    }

    @Test func statusSubresourceIsolationBothWays() throws {
        let server = APIServer()
        _ = server.call("POST", d, body: CoreFixtures.deployment("web"))
        // Status writes ignore spec changes.
        var obj = try #require(server.call("GET", d + "/web").json)
        obj[path: ["spec", "replicas"]] = 7
        obj["status"] = ["replicas": 2, "observedGeneration": 1]
        let st = server.call("PUT", d + "/web/status", body: obj)
        #expect(st.status == 200)
        #expect(st.json?[path: ["spec", "replicas"]] == 1)
        #expect(st.json?[path: ["status", "replicas"]] == 2)
        #expect(st.json?[path: ["metadata", "generation"]] == 1)
        // Main-resource writes keep the stored status.
        var main = try #require(st.json)
        main[path: ["spec", "replicas"]] = 4
        main["status"] = ["replicas": 99]
        let mr = server.call("PUT", d + "/web", body: main)
        #expect(mr.status == 200)
        #expect(mr.json?[path: ["status", "replicas"]] == 2)
        #expect(mr.json?[path: ["spec", "replicas"]] == 4)
        // GET /status returns the whole object.
        let get = try #require(server.call("GET", d + "/web/status").json)
        #expect(get["spec"] != nil && get["status"] != nil && get["kind"] == "Deployment")
    }

    @Test func optimisticConcurrencyOnUpdate() throws {
        let server = APIServer()
        let created = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        var stale = created
        stale[path: ["spec", "replicas"]] = 2
        #expect(server.call("PUT", d + "/web", body: stale).status == 200)
        stale[path: ["spec", "replicas"]] = 5
        let conflict = server.call("PUT", d + "/web", body: stale)
        #expect(conflict.status == 409)
        #expect(conflict.reason == "Conflict")
        #expect(conflict.message == "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again")
        // Without a resourceVersion the write is unconditional.
        stale[path: ["metadata", "resourceVersion"]] = nil
        #expect(server.call("PUT", d + "/web", body: stale).json?[path: ["spec", "replicas"]] == 5)
    }

    @Test func namespaceRules() {
        let server = APIServer()
        var body = CoreFixtures.deployment("web")
        body[path: ["metadata", "namespace"]] = "other"
        let mismatch = server.call("POST", d, body: body)
        #expect(mismatch.status == 400)
        #expect(mismatch.message == "the namespace of the provided object does not match the namespace sent on the request")
        let missing = server.call("POST", "/apis/apps/v1/namespaces/nope/deployments", body: CoreFixtures.deployment("web"))
        #expect(missing.status == 404)
        #expect(missing.message == "namespaces \"nope\" not found")
    }

    @Test func generateNameDrawsFiveCharactersFromTheNameAlphabet() throws {
        let server = APIServer()
        var body = CoreFixtures.configMap("")
        body[path: ["metadata", "name"]] = nil
        body[path: ["metadata", "generateName"]] = "cfg-"
        let name = try #require(server.call("POST", CoreFixtures.configMaps, body: body).json?[path: ["metadata", "name"]]?.stringValue)
        #expect(name.hasPrefix("cfg-") && name.count == 9)
        #expect(name.dropFirst(4).allSatisfy { "bcdfghjklmnpqrstvwxz2456789".contains($0) })
    }

    @Test func secretStringDataIsMergedIntoData() throws {
        let server = APIServer()
        let r = server.call("POST", "/api/v1/namespaces/default/secrets", body: [
            "apiVersion": "v1", "kind": "Secret", "metadata": ["name": "s"],
            "data": ["a": "eA==", "b": "eQ=="], "stringData": ["b": "hello"],
        ])
        #expect(r.status == 201)
        let o = try #require(r.json)
        #expect(o["stringData"] == nil)
        #expect(o["data"] == ["a": "eA==", "b": "aGVsbG8="])
        #expect(o["type"] == "Opaque")
    }

    @Test func dryRunValidatesWithoutStoring() {
        let server = APIServer()
        let rv = server.currentResourceVersion
        let r = server.call("POST", d, query: ["dryRun": "All"], body: CoreFixtures.deployment("web"))
        #expect(r.status == 201)
        #expect(server.currentResourceVersion == rv)
        #expect(server.call("GET", d + "/web").status == 404)
    }

    @Test func invalidObjectsAre422WithCauses() throws {
        let server = APIServer()
        var bad = CoreFixtures.deployment("Bad_Name")
        bad[path: ["spec", "template", "spec", "containers"]] = []
        let r = server.call("POST", d, body: bad)
        #expect(r.status == 422)
        #expect(r.reason == "Invalid")
        let causes = try #require(r.json?[path: ["details", "causes"]]?.arrayValue)
        #expect(causes.contains { $0["field"] == "metadata.name" && $0["reason"] == "FieldValueInvalid" })
        #expect(causes.contains { $0["field"] == "spec.template.spec.containers" && $0["reason"] == "FieldValueRequired" })
        #expect(r.message?.hasPrefix("Deployment.apps \"Bad_Name\" is invalid: [metadata.name: Invalid value: \"Bad_Name\": ") == true)
    }

    @Test func fieldErrorsFormatLikeApimachinery() {
        #expect(FieldErrorText.body(FieldError(.required, field: "x")) == "Required value")
        #expect(FieldErrorText.body(FieldError(.invalid, field: "x", value: "Bad_Name", detail: "nope")) == "Invalid value: \"Bad_Name\": nope")
        #expect(FieldErrorText.body(FieldError(.notSupported, field: "x", value: "x", detail: "supported values: \"a\", \"b\"")) == "Unsupported value: \"x\": supported values: \"a\", \"b\"")
        #expect(FieldErrorText.body(FieldError(.invalid, field: "x", value: ["a": "c"], detail: "d")) == "Invalid value: {\"a\":\"c\"}: d")
        let info = ResourceRegistry().info("deployments.apps")!
        let one = StatusResponses.invalid(info, name: "n", errors: [FieldError(.required, field: "spec.x")])
        #expect(one.message == "Deployment.apps \"n\" is invalid: spec.x: Required value")
        let two = StatusResponses.invalid(info, name: "n", errors: [FieldError(.required, field: "a"), FieldError(.required, field: "b")])
        #expect(two.message == "Deployment.apps \"n\" is invalid: [a: Required value, b: Required value]")
    }

    @Test func patchTypes() throws {
        let server = APIServer()
        _ = server.call("POST", CoreFixtures.configMaps, body: CoreFixtures.configMap("c", data: ["a": "1", "b": "2"]))
        let merge = server.call("PATCH", CoreFixtures.configMaps + "/c", body: ["data": ["a": .null, "c": "3"]], contentType: "application/merge-patch+json")
        #expect(merge.json?["data"] == ["b": "2", "c": "3"])
        let jp = server.call("PATCH", CoreFixtures.configMaps + "/c", body: [["op": "replace", "path": "/data/b", "value": "9"]], contentType: "application/json-patch+json")
        #expect(jp.status == 200)
        #expect(jp.json?[path: ["data", "b"]] == "9")
        let smp = server.call("PATCH", CoreFixtures.configMaps + "/c", body: ["data": ["d": "4"]], contentType: "application/strategic-merge-patch+json")
        #expect(smp.json?[path: ["data", "d"]] == "4")
        #expect(server.call("PATCH", CoreFixtures.configMaps + "/c", body: ["data": [:]], contentType: "text/plain").status == 415)
        let malformed = server.handle(StandinRequest(method: "PATCH", path: CoreFixtures.configMaps + "/c", headers: ["content-type": "application/merge-patch+json"], body: Data("{nope".utf8)))
        #expect(malformed.status == 400)
        #expect(server.call("PATCH", CoreFixtures.configMaps + "/missing", body: ["data": [:]], contentType: "application/merge-patch+json").status == 404)
    }

    @Test func serverSideApplyCreatesConflictsAndForces() throws {
        let server = APIServer()
        let path = d + "/web"
        let noManager = server.call("PATCH", path, body: CoreFixtures.deployment("web"), contentType: "application/apply-patch+yaml")
        #expect(noManager.status == 400)
        let created = server.call("PATCH", path, query: ["fieldManager": "op"], body: CoreFixtures.deployment("web"), contentType: "application/apply-patch+yaml")
        #expect(created.status == 201)
        let other: JSONValue = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"], "spec": ["replicas": 5]]
        let conflict = server.call("PATCH", path, query: ["fieldManager": "someone-else"], body: other, contentType: "application/apply-patch+yaml")
        #expect(conflict.status == 409)
        #expect(conflict.message == "Apply failed with 1 conflict: conflict with \"op\": .spec.replicas")
        #expect(conflict.json?[path: ["details", "causes"]]?.arrayValue?.first?["reason"] == "FieldManagerConflict")
        let forced = server.call("PATCH", path, query: ["fieldManager": "someone-else", "force": "true"], body: other, contentType: "application/apply-patch+yaml")
        #expect(forced.status == 200)
        #expect(forced.json?[path: ["spec", "replicas"]] == 5)
    }

    @Test func applyConflictMessagesFollowStructuredMergeDiff() {
        let two = StatusResponses.applyConflict(ApplyConflict(conflicts: [
            .init(manager: "b", field: ".spec.x"), .init(manager: "a", field: ".spec.replicas"), .init(manager: "a", field: ".spec.y"),
        ]))
        #expect(two.message == "Apply failed with 3 conflicts: conflicts with \"a\":\n- .spec.replicas\n- .spec.y\nconflicts with \"b\":\n- .spec.x")
        #expect(two.details?.causes?.count == 3)
        #expect(two.code == 409 && two.reason == "Conflict")
    }

    @Test func routingErrors() {
        let server = APIServer()
        let unknown = server.call("GET", "/apis/nope.example.com/v1/things")
        #expect(unknown.status == 404)
        #expect(unknown.message == "the server could not find the requested resource")
        #expect(server.call("POST", d + "/web", body: CoreFixtures.deployment("web")).status == 405)
        #expect(server.call("POST", d, body: CoreFixtures.deployment("web"), contentType: "text/csv").status == 415)
        let malformed = server.handle(StandinRequest(method: "POST", path: d, headers: ["content-type": "application/json"], body: Data("{".utf8)))
        #expect(malformed.status == 400)
        for probe in ["/healthz", "/readyz", "/livez"] {
            let r = server.call("GET", probe)
            #expect(r.status == 200 && String(decoding: r.body, as: UTF8.self) == "ok")
        }
    }

    @Test func discoveryDocuments() throws {
        let server = APIServer()
        let apis = try #require(server.call("GET", "/apis").json)
        #expect(apis["kind"] == "APIGroupList")
        let apps = try #require(apis["groups"]?.arrayValue?.first { $0["name"] == "apps" })
        #expect(apps[path: ["preferredVersion", "groupVersion"]] == "apps/v1")
        let core = try #require(server.call("GET", "/api/v1").json)
        let names = core["resources"]?.arrayValue?.compactMap { $0["name"]?.stringValue } ?? []
        #expect(names.contains("namespaces") && names.contains("services/status") && names.contains("configmaps"))
        let appsV1 = try #require(server.call("GET", "/apis/apps/v1").json)
        let deploy = try #require(appsV1["resources"]?.arrayValue?.first { $0["name"] == "deployments" })
        #expect(deploy["shortNames"] == ["deploy"])
        #expect(deploy["storageVersionHash"] == "8aSe+NMegvE=")
        #expect(server.call("GET", "/apis/apps").json?["kind"] == "APIGroup")
        #expect(server.call("GET", "/version").json?["major"] == "1")
    }

    @Test func selfSubjectAccessReviewAllows() {
        let server = APIServer()
        let r = server.call("POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                            body: ["apiVersion": "authorization.k8s.io/v1", "kind": "SelfSubjectAccessReview",
                                   "spec": ["resourceAttributes": ["verb": "list", "group": "apps", "resource": "deployments"]]])
        #expect(r.status == 201)
        #expect(r.json?[path: ["status", "allowed"]] == true)
    }

    @Test func initialNamespacesExist() throws {
        let server = APIServer()
        let list = try #require(server.call("GET", "/api/v1/namespaces").json)
        let names = list["items"]?.arrayValue?.compactMap { $0[path: ["metadata", "name"]]?.stringValue } ?? []
        #expect(names == ["default", "kube-node-lease", "kube-public", "kube-system"])
    }

    @Test func scaleSubresource() throws {
        let server = APIServer()
        _ = server.call("POST", d, body: CoreFixtures.deployment("web", replicas: 2))
        let scale = try #require(server.call("GET", d + "/web/scale").json)
        #expect(scale["kind"] == "Scale" && scale[path: ["spec", "replicas"]] == 2)
        #expect(scale[path: ["status", "selector"]] == "app=web")
        let patched = server.call("PATCH", d + "/web/scale", body: ["spec": ["replicas": 6]], contentType: "application/merge-patch+json")
        #expect(patched.status == 200)
        #expect(server.call("GET", d + "/web").json?[path: ["spec", "replicas"]] == 6)
    }
}

import Foundation
import KubeModel
import Testing
@testable import KubeStandin
import TestPolling

@Suite struct DeletionTests {
    let d = CoreFixtures.deployments
    let cm = CoreFixtures.configMaps

    static func manualServer() -> (APIServer, ManualScheduler) {
        let scheduler = ManualScheduler()
        return (APIServer(options: .init(scheduler: scheduler)), scheduler)
    }

    static func ownedConfigMap(_ name: String, owner: JSONValue) -> JSONValue {
        var c = CoreFixtures.configMap(name)
        c[path: ["metadata", "ownerReferences"]] = [[
            "apiVersion": "apps/v1", "kind": "Deployment", "name": owner[path: ["metadata", "name"]] ?? "",
            "uid": owner[path: ["metadata", "uid"]] ?? "", "controller": true, "blockOwnerDeletion": true,
        ]]
        return c
    }

    @Test func plainDeleteAnswersSuccessStatus() throws {
        let server = APIServer()
        let created = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        let r = server.call("DELETE", d + "/web")
        #expect(r.status == 200)
        let s = try #require(r.json)
        #expect(s["kind"] == "Status" && s["status"] == "Success")
        #expect(s["details"] == ["name": "web", "group": "apps", "kind": "deployments", "uid": created[path: ["metadata", "uid"]]!])
        #expect(server.call("GET", d + "/web").status == 404)
        #expect(server.call("DELETE", d + "/web").reason == "NotFound")
    }

    @Test func preconditionsAreChecked() throws {
        let server = APIServer()
        let created = try #require(server.call("POST", cm, body: CoreFixtures.configMap("c")).json)
        let uid = created[path: ["metadata", "uid"]]?.stringValue ?? ""
        let r = server.call("DELETE", cm + "/c", body: ["kind": "DeleteOptions", "apiVersion": "v1", "preconditions": ["uid": "other"]])
        #expect(r.status == 409)
        #expect(r.message == "Operation cannot be fulfilled on configmaps \"c\": Precondition failed: UID in precondition: other, UID in object meta: \(uid)")
        let rv = server.call("DELETE", cm + "/c", body: ["preconditions": ["resourceVersion": "1"]])
        #expect(rv.status == 409)
        #expect(server.call("DELETE", cm + "/c", body: ["preconditions": ["uid": .string(uid)]]).status == 200)
    }

    @Test func finalizersKeepTheObjectUntilEmptied() async throws {
        let server = APIServer()
        var c = CoreFixtures.configMap("c")
        c[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        _ = server.call("POST", cm, body: c)
        let r = server.call("DELETE", cm + "/c")
        #expect(r.status == 200)
        #expect(r.json?["kind"] == "ConfigMap")
        #expect(r.json?[path: ["metadata", "deletionTimestamp"]] != nil)
        #expect(r.json?[path: ["metadata", "deletionGracePeriodSeconds"]] == 0)
        #expect(server.call("GET", cm + "/c").status == 200)
        let deletingRV = try #require(server.call("GET", cm + "/c").json?[path: ["metadata", "resourceVersion"]])
        let w = server.watch(cm, query: ["resourceVersion": String(server.currentResourceVersion)])
        let emptied = server.call("PATCH", cm + "/c", body: ["metadata": ["finalizers": .null]], contentType: "application/merge-patch+json")
        #expect(emptied.status == 200)
        #expect(server.call("GET", cm + "/c").status == 404)
        // As the real store does: the writer gets the object it sent, at the version it updated;
        // the update is never stored, so watchers see only DELETED, of the object as stored.
        #expect(emptied.json?[path: ["metadata", "finalizers"]] == nil)
        #expect(emptied.json?[path: ["metadata", "resourceVersion"]] == deletingRV)
        #expect(await w.wait { $0.compactMap { $0["type"]?.stringValue } == ["DELETED"] })
        #expect(w.events.first?[path: ["object", "metadata", "finalizers"]] == ["example.com/hold"])
        w.cancel()
    }

    @Test func foregroundDeletesDependentsThenTheOwner() async throws {
        let (server, scheduler) = Self.manualServer()
        let owner = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        _ = server.call("POST", cm, body: Self.ownedConfigMap("dep1", owner: owner))
        _ = server.call("POST", cm, body: Self.ownedConfigMap("dep2", owner: owner))
        let w = server.watch(d, query: ["resourceVersion": String(server.currentResourceVersion)])
        let r = try #require(server.call("DELETE", d + "/web", body: ["kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Foreground"]).json)
        #expect(r["kind"] == "Deployment")
        #expect(r[path: ["metadata", "finalizers"]] == ["foregroundDeletion"])
        #expect(r[path: ["metadata", "deletionGracePeriodSeconds"]] == 0)
        #expect(r[path: ["metadata", "generation"]] == 2)
        #expect(server.call("GET", d + "/web").status == 200)
        scheduler.runAll()
        #expect(server.call("GET", cm + "/dep1").status == 404)
        #expect(server.call("GET", cm + "/dep2").status == 404)
        #expect(server.call("GET", d + "/web").status == 404)
        // The collector's finalizer removal deletes the owner as stored: no update is written
        // first, and the DELETED object still carries the finalizer.
        #expect(await w.wait { $0.compactMap { $0["type"]?.stringValue } == ["MODIFIED", "DELETED"] })
        #expect(w.events.last?[path: ["object", "metadata", "finalizers"]] == ["foregroundDeletion"])
        w.cancel()
    }

    @Test func backgroundRemovesOwnerAtOnceAndCollectsDependentsLater() throws {
        let (server, scheduler) = Self.manualServer()
        let owner = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        _ = server.call("POST", cm, body: Self.ownedConfigMap("dep", owner: owner))
        _ = server.call("POST", cm, body: CoreFixtures.configMap("unrelated"))
        #expect(server.call("DELETE", d + "/web", query: ["propagationPolicy": "Background"]).status == 200)
        #expect(server.call("GET", d + "/web").status == 404)
        #expect(server.call("GET", cm + "/dep").status == 200)
        scheduler.runAll()
        #expect(server.call("GET", cm + "/dep").status == 404)
        #expect(server.call("GET", cm + "/unrelated").status == 200)
    }

    @Test func backgroundGarbageCollectionRunsByItselfWithTheDefaultScheduler() async throws {
        let server = APIServer()
        let owner = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        _ = server.call("POST", cm, body: Self.ownedConfigMap("dep", owner: owner))
        _ = server.call("DELETE", d + "/web")
        #expect(await pollUntil { server.call("GET", cm + "/dep").status == 404 })
    }

    @Test func orphanRemovesOwnerReferencesThenTheOwner() throws {
        let (server, scheduler) = Self.manualServer()
        let owner = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        _ = server.call("POST", cm, body: Self.ownedConfigMap("dep", owner: owner))
        let r = try #require(server.call("DELETE", d + "/web", body: ["propagationPolicy": "Orphan"]).json)
        // Until the collector has orphaned the dependents, the owner waits with the `orphan`
        // finalizer (what a controller watching it sees), and the dependent keeps its reference.
        #expect(r["kind"] == "Deployment")
        #expect(r[path: ["metadata", "finalizers"]] == ["orphan"])
        #expect(r[path: ["metadata", "deletionTimestamp"]] != nil)
        #expect(server.call("GET", d + "/web").status == 200)
        #expect(server.call("GET", cm + "/dep").json?[path: ["metadata", "ownerReferences"]] != nil)
        scheduler.runAll()
        #expect(server.call("GET", d + "/web").status == 404)
        let dep = try #require(server.call("GET", cm + "/dep").json)
        #expect(dep[path: ["metadata", "ownerReferences"]] == nil)
    }

    @Test func theOrphanPolicyKeepsOtherFinalizersAndReplacesForeground() throws {
        let (server, scheduler) = Self.manualServer()
        var held = CoreFixtures.deployment("web")
        held[path: ["metadata", "finalizers"]] = ["example.com/hold", "foregroundDeletion"]
        let owner = try #require(server.call("POST", d, body: held).json)
        _ = server.call("POST", cm, body: Self.ownedConfigMap("dep", owner: owner))
        let r = try #require(server.call("DELETE", d + "/web", query: ["propagationPolicy": "Orphan"]).json)
        #expect(r[path: ["metadata", "finalizers"]] == ["example.com/hold", "orphan"])
        scheduler.runAll()
        let waiting = try #require(server.call("GET", d + "/web").json)
        #expect(waiting[path: ["metadata", "finalizers"]] == ["example.com/hold"])
        #expect(server.call("GET", cm + "/dep").json?[path: ["metadata", "ownerReferences"]] == nil)
    }

    /// An owner reference added to an object: the owner uid `uid` named `name`.
    static func ownerReference(_ name: String, uid: String) -> JSONValue {
        ["apiVersion": "apps/v1", "kind": "Deployment", "name": .string(name), "uid": .string(uid), "controller": false]
    }

    @Test func aDependentCreatedAfterItsOwnerIsGoneIsCollected() throws {
        let (server, scheduler) = Self.manualServer()
        let owner = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        let other = try #require(server.call("POST", d, body: CoreFixtures.deployment("api")).json)
        #expect(server.call("DELETE", d + "/web").status == 200)
        scheduler.runAll()
        // A controller with a stale cache creates children of the deleted owner.
        #expect(server.call("POST", cm, body: Self.ownedConfigMap("late", owner: owner)).status == 201)
        var shared = Self.ownedConfigMap("shared", owner: owner)
        shared[path: ["metadata", "ownerReferences"]] = .array((shared[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [])
            + [Self.ownerReference("api", uid: other[path: ["metadata", "uid"]]?.stringValue ?? "")])
        #expect(server.call("POST", cm, body: shared).status == 201)
        #expect(server.call("GET", cm + "/late").status == 200)
        scheduler.runAll()
        #expect(server.call("GET", cm + "/late").status == 404)
        // The dependent another owner still holds stays, without the dangling reference.
        let kept = try #require(server.call("GET", cm + "/shared").json)
        #expect(kept[path: ["metadata", "ownerReferences"]]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["api"])
    }

    @Test func anOwnerReferenceAddedByAnUpdateIsCheckedToo() throws {
        let (server, scheduler) = Self.manualServer()
        _ = server.call("POST", cm, body: CoreFixtures.configMap("c"))
        let patch: JSONValue = ["metadata": ["ownerReferences": [Self.ownerReference("never", uid: "0f1e2d3c-0000-4000-8000-000000000000")]]]
        #expect(server.call("PATCH", cm + "/c", body: patch, contentType: "application/merge-patch+json").status == 200)
        scheduler.runAll()
        #expect(server.call("GET", cm + "/c").status == 404)
    }

    @Test func anOwnerInAnotherNamespaceOrUnderAnotherNameIsAbsent() throws {
        let (server, scheduler) = Self.manualServer()
        let owner = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        let uid = owner[path: ["metadata", "uid"]]?.stringValue ?? ""
        _ = server.call("POST", "/api/v1/namespaces", body: CoreFixtures.namespace("team"))
        #expect(server.call("POST", "/api/v1/namespaces/team/configmaps", body: Self.ownedConfigMap("elsewhere", owner: owner)).status == 201)
        var renamed = CoreFixtures.configMap("renamed")
        renamed[path: ["metadata", "ownerReferences"]] = [Self.ownerReference("not-web", uid: uid)]
        _ = server.call("POST", cm, body: renamed)
        _ = server.call("POST", cm, body: Self.ownedConfigMap("same", owner: owner))
        scheduler.runAll()
        #expect(server.call("GET", "/api/v1/namespaces/team/configmaps/elsewhere").status == 404)
        #expect(server.call("GET", cm + "/renamed").status == 404)
        #expect(server.call("GET", cm + "/same").status == 200)
        #expect(server.call("GET", d + "/web").status == 200)
    }

    @Test func aDependentCreatedDuringForegroundDeletionIsDeletedWithTheOthers() throws {
        let (server, scheduler) = Self.manualServer()
        let owner = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        var held = Self.ownedConfigMap("held", owner: owner)
        held[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        _ = server.call("POST", cm, body: held)
        _ = server.call("DELETE", d + "/web", body: ["propagationPolicy": "Foreground"])
        scheduler.runAll()
        // The owner waits for `held`; a child created now goes too.
        #expect(server.call("GET", d + "/web").status == 200)
        #expect(server.call("POST", cm, body: Self.ownedConfigMap("late", owner: owner)).status == 201)
        scheduler.runAll()
        #expect(server.call("GET", cm + "/late").status == 404)
        #expect(server.call("GET", d + "/web").status == 200)
        _ = server.call("PATCH", cm + "/held", body: ["metadata": ["finalizers": .null]], contentType: "application/merge-patch+json")
        scheduler.runAll()
        #expect(server.call("GET", d + "/web").status == 404)
    }

    @Test func foregroundDeletionLeavesDependentsAnotherOwnerHolds() throws {
        let (server, scheduler) = Self.manualServer()
        let owner = try #require(server.call("POST", d, body: CoreFixtures.deployment("web")).json)
        let other = try #require(server.call("POST", d, body: CoreFixtures.deployment("api")).json)
        var shared = Self.ownedConfigMap("shared", owner: owner)
        shared[path: ["metadata", "ownerReferences"]] = .array((shared[path: ["metadata", "ownerReferences"]]?.arrayValue ?? [])
            + [Self.ownerReference("api", uid: other[path: ["metadata", "uid"]]?.stringValue ?? "")])
        _ = server.call("POST", cm, body: shared)
        _ = server.call("POST", cm, body: Self.ownedConfigMap("only", owner: owner))
        _ = server.call("DELETE", d + "/web", body: ["propagationPolicy": "Foreground"])
        scheduler.runAll()
        #expect(server.call("GET", d + "/web").status == 404)
        #expect(server.call("GET", cm + "/only").status == 404)
        let kept = try #require(server.call("GET", cm + "/shared").json)
        #expect(kept[path: ["metadata", "ownerReferences"]]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["api"])
    }

    @Test func deletingANamespaceTerminatesItAndRemovesItsContents() throws {
        let (server, scheduler) = Self.manualServer()
        _ = server.call("POST", "/api/v1/namespaces", body: CoreFixtures.namespace("team"))
        _ = server.call("POST", "/api/v1/namespaces/team/configmaps", body: CoreFixtures.configMap("c"))
        var held = CoreFixtures.configMap("held")
        held[path: ["metadata", "finalizers"]] = ["example.com/hold"]
        _ = server.call("POST", "/api/v1/namespaces/team/configmaps", body: held)
        let r = try #require(server.call("DELETE", "/api/v1/namespaces/team").json)
        #expect(r[path: ["status", "phase"]] == "Terminating")
        #expect(r[path: ["metadata", "deletionTimestamp"]] != nil)
        let refused = server.call("POST", "/api/v1/namespaces/team/configmaps", body: CoreFixtures.configMap("new"))
        #expect(refused.status == 403)
        scheduler.runAll()
        #expect(server.call("GET", "/api/v1/namespaces/team/configmaps/c").status == 404)
        // Still terminating while an object's finalizer holds it.
        #expect(server.call("GET", "/api/v1/namespaces/team").status == 200)
        _ = server.call("PATCH", "/api/v1/namespaces/team/configmaps/held", body: ["metadata": ["finalizers": []]], contentType: "application/merge-patch+json")
        scheduler.runAll()
        #expect(server.call("GET", "/api/v1/namespaces/team").status == 404)
    }

    @Test func systemNamespacesMayNotBeDeleted() {
        let server = APIServer()
        let r = server.call("DELETE", "/api/v1/namespaces/default")
        #expect(r.status == 403)
        #expect(r.message == "namespaces \"default\" is forbidden: this namespace may not be deleted")
        #expect(server.call("DELETE", "/api/v1/namespaces/kube-node-lease").status == 200)
    }

    @Test func deleteCollectionBySelector() {
        let server = APIServer()
        _ = server.call("POST", cm, body: CoreFixtures.configMap("a", labels: ["x": "1"]))
        _ = server.call("POST", cm, body: CoreFixtures.configMap("b"))
        let r = server.call("DELETE", cm, query: ["labelSelector": "x=1"])
        #expect(r.status == 200)
        #expect(r.json?["kind"] == "ConfigMapList")
        #expect(server.call("GET", cm + "/a").status == 404)
        #expect(server.call("GET", cm + "/b").status == 200)
    }
}

import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
import KubeStandin
import TestPolling

/// Every verb of the client against the real stand-in, with the semantics a real API server has.
@Suite struct StandinClientVerbTests {
    let d = ResourceDescriptor.deployments
    let cm = ResourceDescriptor.configMaps

    @Test func getAndListWithLabelAndFieldSelectors() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        _ = try c.create(cm, namespace: "default", body: configMapJSON("a", data: ["x": "1"], labels: ["tier": "web"]))
        _ = try c.create(cm, namespace: "default", body: configMapJSON("b", labels: ["tier": "db"]))
        _ = try c.create(cm, namespace: "default", body: configMapJSON("c", labels: ["tier": "web", "canary": "true"]))
        #expect(try c.get(cm, namespace: "default", name: "a")[path: ["data", "x"]] == "1")
        #expect { _ = try c.get(cm, namespace: "default", name: "zz") } throws: { ($0 as? KubeError)?.isNotFound == true }

        func names(_ options: ListOptions) throws -> [String] {
            let list = try c.list(cm, namespace: "default", options: options)
            return (list["items"]?.arrayValue ?? []).compactMap { $0[path: ["metadata", "name"]]?.stringValue }.filter { $0 != "kube-root-ca.crt" }.sorted()
        }
        #expect(try names(ListOptions(labelSelector: "tier=web")) == ["a", "c"])
        #expect(try names(ListOptions(labelSelector: "tier in (web,db),!canary")) == ["a", "b"])
        #expect(try names(ListOptions(fieldSelector: "metadata.name=b")) == ["b"])
        #expect(try names(ListOptions(labelSelector: "tier=web", fieldSelector: "metadata.name!=a")) == ["c"])
    }

    @Test func replaceWithAStaleResourceVersionConflicts() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        let created = try c.create(d, namespace: "default", body: deploymentJSON("web"))
        var first = created
        first[path: ["spec", "replicas"]] = 2
        let replaced = try c.replace(d, namespace: "default", name: "web", body: first)
        #expect(replaced[path: ["spec", "replicas"]] == 2)
        #expect(replaced[path: ["metadata", "resourceVersion"]] != created[path: ["metadata", "resourceVersion"]])
        var stale = created
        stale[path: ["spec", "replicas"]] = 5
        #expect { _ = try c.replace(d, namespace: "default", name: "web", body: stale) } throws: { ($0 as? KubeError)?.isConflict == true }
        #expect(try c.get(Deployment.self, namespace: "default", name: "web").spec?.replicas == 2)
    }

    @Test func mergeAndJSONPatches() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        _ = try c.create(d, namespace: "default", body: deploymentJSON("web"))
        let merged = try c.patch(Deployment.self, namespace: "default", name: "web", patch: .merge(["spec": ["replicas": 3], "metadata": ["labels": ["team": "a"]]]))
        #expect(merged.spec?.replicas == 3)
        #expect(merged.metadata.labels?["team"] == "a" && merged.metadata.labels?["app"] == "web")
        let patched = try c.patch(Deployment.self, namespace: "default", name: "web", patch: .json([
            ["op": "test", "path": "/spec/replicas", "value": 3],
            ["op": "replace", "path": "/spec/replicas", "value": 2],
            ["op": "remove", "path": "/metadata/labels/team"],
        ]))
        #expect(patched.spec?.replicas == 2)
        #expect(patched.metadata.labels?["team"] == nil)
        // A failing `test` operation changes nothing.
        #expect(throws: KubeError.self) {
            _ = try c.patch(d, namespace: "default", name: "web", patch: .json([["op": "test", "path": "/spec/replicas", "value": 9], ["op": "replace", "path": "/spec/replicas", "value": 7]]))
        }
        #expect(try c.get(Deployment.self, namespace: "default", name: "web").spec?.replicas == 2)
        // Without reading the result: the write lands, and a failure still throws the Status.
        try c.patchIgnoringResult(.deployments, namespace: "default", name: "web", patch: .merge(["spec": ["replicas": 5]]))
        #expect(try c.get(Deployment.self, namespace: "default", name: "web").spec?.replicas == 5)
        #expect(throws: KubeError.self) {
            try c.patchIgnoringResult(.deployments, namespace: "default", name: "missing", patch: .merge(["spec": ["replicas": 5]]))
        }
        try c.createIgnoringResult(.configMaps, namespace: "default", body: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cm"]])
        #expect(try c.get(.configMaps, namespace: "default", name: "cm")[path: ["metadata", "name"]] == "cm")
        #expect(throws: KubeError.self) {
            try c.createIgnoringResult(.configMaps, namespace: "default", body: ["apiVersion": "v1", "kind": "ConfigMap", "metadata": ["name": "cm"]])
        }
    }

    @Test func serverSideApplyForceAndConflicts() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        // Apply creates a missing object.
        let created = try c.patch(d, namespace: "default", name: "web", patch: .apply(deploymentJSON("web", replicas: 1)),
                                  options: WriteOptions(fieldManager: "op-a", force: true))
        #expect(created[path: ["spec", "replicas"]] == 1)
        #expect(created[path: ["metadata", "managedFields"]]?.arrayValue?.first?["manager"] == "op-a")
        // Another manager setting a field op-a owns, to another value, without force: 409 Conflict.
        let other: JSONValue = ["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"], "spec": ["replicas": 5]]
        #expect { _ = try c.patch(d, namespace: "default", name: "web", patch: .apply(other), options: WriteOptions(fieldManager: "op-b")) } throws: { error in
            guard let e = error as? KubeError else { return false }
            return e.isConflict && (e.status?.message ?? "").contains("op-a")
        }
        #expect(try c.get(Deployment.self, namespace: "default", name: "web").spec?.replicas == 1)
        // With force, op-b takes the field.
        let forced = try c.patch(d, namespace: "default", name: "web", patch: .apply(other), options: WriteOptions(fieldManager: "op-b", force: true))
        #expect(forced[path: ["spec", "replicas"]] == 5)
        let managers = (forced[path: ["metadata", "managedFields"]]?.arrayValue ?? []).compactMap { $0["manager"]?.stringValue }
        #expect(managers.contains("op-b"))
        // The typed apply helper round-trips.
        let typed = Deployment(metadata: ObjectMeta(name: "web"), spec: DeploymentSpec(replicas: 4))
        #expect(try c.apply(typed, namespace: "default", fieldManager: "op-b", force: true).spec?.replicas == 4)
    }

    @Test func deleteWithPreconditionsAndPropagation() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        let created = try c.create(d, namespace: "default", body: deploymentJSON("web"))
        let uid = try #require(created[path: ["metadata", "uid"]]?.stringValue)
        #expect { try c.delete(d, namespace: "default", name: "web", options: DeleteOptions(preconditions: .init(uid: "not-\(uid)"))) } throws: {
            ($0 as? KubeError)?.isConflict == true
        }
        #expect { try c.delete(d, namespace: "default", name: "web", options: DeleteOptions(preconditions: .init(resourceVersion: "1"))) } throws: {
            ($0 as? KubeError)?.isConflict == true
        }
        try c.delete(d, namespace: "default", name: "web", options: DeleteOptions(propagationPolicy: "Foreground", preconditions: .init(uid: uid)))
        // Foreground deletion finishes once there are no dependents.
        #expect(pollUntil {
            do { _ = try c.get(d, namespace: "default", name: "web"); return false } catch { return (error as? KubeError)?.isNotFound == true }
        })
        #expect { try c.delete(d, namespace: "default", name: "web") } throws: { ($0 as? KubeError)?.isNotFound == true }
    }

    @Test func statusSubresourceGetReplacePatch() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        _ = try c.create(d, namespace: "default", body: deploymentJSON("web", replicas: 2))
        var status = try c.get(d, namespace: "default", name: "web", subresource: "status")
        #expect(status["kind"] == "Deployment")
        status["status"] = ["replicas": 2, "readyReplicas": 1, "observedGeneration": 1]
        status[path: ["spec", "replicas"]] = 9
        let replaced = try c.replace(d, namespace: "default", name: "web", body: status, subresource: "status")
        #expect(replaced[path: ["status", "readyReplicas"]] == 1)
        #expect(replaced[path: ["spec", "replicas"]] == 2, "the status subresource ignores spec changes")
        let patched = try c.patch(d, namespace: "default", name: "web", patch: .merge(["status": ["readyReplicas": 2]]), subresource: "status")
        #expect(patched[path: ["status", "readyReplicas"]] == 2)
        #expect(patched[path: ["status", "replicas"]] == 2)
        #expect(h.api.requestCounts()["patch deployments.apps/status"] == 1)
    }

    @Test func paginationFollowsContinueTokens() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let c = try h.admin()
        for i in 0..<7 { _ = try c.create(d, namespace: "default", body: deploymentJSON("web-\(i)")) }
        let first = try c.list(Deployment.self, namespace: "default", options: ListOptions(limit: 3))
        #expect(first.items.count == 3)
        #expect(first.metadata.continue?.isEmpty == false)
        let all = try c.listAll(Deployment.self, namespace: "default", options: ListOptions(limit: 3))
        #expect(all.items.compactMap(\.metadata.name).sorted() == (0..<7).map { "web-\($0)" })
        #expect(all.metadata.continue == nil || all.metadata.continue == "")
        #expect(h.api.requestCounts()["list deployments.apps"] == 1 + 3)
    }

    @Test func retriesOn429WithRetryAfterAnd503() throws {
        let h = try StandinHarness()
        defer { h.stop() }
        let sleeps = Mutex<[TimeInterval]>([])
        let c = try h.admin(options: .init(sleep: { t in sleeps.withLock { $0.append(t) } }))
        _ = try c.create(cm, namespace: "default", body: configMapJSON("a"))

        h.api.faults.failNext(2, .init(verb: "get", pathContains: "/configmaps/a"), with: .init(status: 429, retryAfter: 1))
        #expect(try c.get(cm, namespace: "default", name: "a")[path: ["metadata", "name"]] == "a")
        #expect(h.api.requestCounts()["get configmaps"] == 3)
        #expect(sleeps.withLock { $0 } == [1, 1], "Retry-After is honoured")

        h.api.resetRequestCounts()
        sleeps.withLock { $0.removeAll() }
        h.api.faults.failNext(2, .init(verb: "get"), with: .init(status: 503))
        _ = try c.get(cm, namespace: "default", name: "a")
        #expect(h.api.requestCounts()["get configmaps"] == 3)
        #expect(sleeps.withLock { $0.count } == 2)

        h.api.resetRequestCounts()
        h.api.faults.failNext(KubeClient.maxAttempts, .init(verb: "get"), with: .init(status: 503))
        #expect { _ = try c.get(cm, namespace: "default", name: "a") } throws: { ($0 as? KubeError)?.code == 503 }
        #expect(h.api.requestCounts()["get configmaps"] == KubeClient.maxAttempts)
    }
}

import Foundation
import KubeModel
import Testing
@testable import KubeStandin

@Suite struct ReadinessAndFaultsTests {
    let d = CoreFixtures.deployments

    @Test func readinessSimulatorWritesRolledOutStatus() async throws {
        let scheduler = ManualScheduler()
        let server = APIServer(options: .init(scheduler: scheduler))
        server.setReadinessSimulation(delaySeconds: 2)
        _ = server.call("POST", d, body: CoreFixtures.deployment("web", replicas: 3))
        let w = server.watch(d, query: ["resourceVersion": String(server.currentResourceVersion)])
        scheduler.runDue(advancing: 1)
        #expect(server.call("GET", d + "/web").json?[path: ["status", "observedGeneration"]] == nil)
        scheduler.runDue(advancing: 1)
        let o = try #require(server.call("GET", d + "/web").json)
        #expect(o[path: ["status", "observedGeneration"]] == 1)
        for k in ["replicas", "updatedReplicas", "readyReplicas", "availableReplicas"] { #expect(o[path: ["status", k]] == 3) }
        let conditions = o[path: ["status", "conditions"]]?.arrayValue ?? []
        #expect(conditions.contains { $0["type"] == "Available" && $0["status"] == "True" && $0["reason"] == "MinimumReplicasAvailable" })
        #expect(conditions.contains { $0["type"] == "Progressing" && $0["status"] == "True" && $0["reason"] == "NewReplicaSetAvailable" })
        #expect(o[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "1")
        #expect(o[path: ["metadata", "managedFields"]]?.arrayValue?.contains { $0["manager"] == "kube-controller-manager" && $0["subresource"] == "status" } == true)
        #expect(await w.wait { $0.contains { $0["type"] == "MODIFIED" } })
        w.cancel()
        // A template change bumps the revision; a replicas-only change does not.
        _ = server.call("PATCH", d + "/web", body: ["spec": ["replicas": 0]], contentType: "application/merge-patch+json")
        scheduler.runAll()
        let scaled = try #require(server.call("GET", d + "/web").json)
        #expect(scaled[path: ["status", "observedGeneration"]] == 2)
        #expect(scaled[path: ["status", "replicas"]] == nil)
        #expect(scaled[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "1")
        _ = server.call("PATCH", d + "/web", body: ["spec": ["template": ["spec": ["containers": [["name": "main", "image": "nginx:2"]]]]]], contentType: "application/merge-patch+json")
        scheduler.runAll()
        #expect(server.call("GET", d + "/web").json?[path: ["metadata", "annotations", "deployment.kubernetes.io/revision"]] == "2")
    }

    @Test func blockedDeploymentsKeepTheirStatusUntilUnblocked() throws {
        let scheduler = ManualScheduler()
        let server = APIServer(options: .init(scheduler: scheduler))
        server.setReadinessSimulation(delaySeconds: 0)
        server.blockReadiness(namespace: "default", name: "web")
        _ = server.call("POST", d, body: CoreFixtures.deployment("web"))
        scheduler.runAll()
        #expect(server.call("GET", d + "/web").json?["status"] == [:])
        server.unblockReadiness(namespace: "default", name: "web")
        scheduler.runAll()
        #expect(server.call("GET", d + "/web").json?[path: ["status", "observedGeneration"]] == 1)
    }

    @Test func staleGenerationsAreNotMarkedReady() throws {
        let scheduler = ManualScheduler()
        let server = APIServer(options: .init(scheduler: scheduler))
        server.setReadinessSimulation(delaySeconds: 5)
        _ = server.call("POST", d, body: CoreFixtures.deployment("web"))
        scheduler.runDue(advancing: 3)
        _ = server.call("PATCH", d + "/web", body: ["spec": ["replicas": 2]], contentType: "application/merge-patch+json")
        scheduler.runDue(advancing: 2)
        // The generation-1 rollout fired but generation is now 2: nothing written.
        #expect(server.call("GET", d + "/web").json?["status"] == [:])
        scheduler.runDue(advancing: 3)
        #expect(server.call("GET", d + "/web").json?[path: ["status", "observedGeneration"]] == 2)
    }

    @Test func turningTheSimulatorOnRollsOutExistingDeployments() throws {
        let scheduler = ManualScheduler()
        let server = APIServer(options: .init(scheduler: scheduler))
        _ = server.call("POST", d, body: CoreFixtures.deployment("web", replicas: 2))
        server.setReadinessSimulation(delaySeconds: 1)
        scheduler.runAll()
        #expect(server.call("GET", d + "/web").json?[path: ["status", "availableReplicas"]] == 2)
        // Rolling out again at the same generation writes nothing.
        let rv = server.currentResourceVersion
        server.unblockReadiness(namespace: "default", name: "web")
        scheduler.runAll()
        #expect(server.currentResourceVersion == rv)
    }

    @Test func simulatorOffWritesNothing() {
        let scheduler = ManualScheduler()
        let server = APIServer(options: .init(scheduler: scheduler))
        _ = server.call("POST", d, body: CoreFixtures.deployment("web"))
        #expect(scheduler.pendingCount == 0)
    }

    @Test(arguments: [(500, "InternalError"), (503, "ServiceUnavailable"), (429, "TooManyRequests")])
    func injectedFailures(code: Int, reason: String) {
        let server = APIServer()
        server.faults.failNext(1, .init(verb: "list"), with: .init(status: code, retryAfter: code == 429 ? 3 : nil))
        let r = server.call("GET", d)
        #expect(r.status == code)
        #expect(r.reason == reason)
        #expect(r.json?["code"] == .int(Int64(code)))
        if code == 429 {
            #expect(r.header("retry-after") == "3")
            #expect(r.json?[path: ["details", "retryAfterSeconds"]] == 3)
            #expect(r.message == "Too many requests, please try again later.")
        }
        #expect(server.call("GET", d).status == 200)
    }

    @Test func requestCountsByVerbAndGroupResource() {
        let server = APIServer()
        _ = server.call("POST", d, body: CoreFixtures.deployment("web"))
        _ = server.call("GET", d)
        _ = server.call("GET", d + "/web")
        _ = server.call("PATCH", d + "/web", body: ["spec": ["replicas": 2]], contentType: "application/merge-patch+json")
        _ = server.call("PATCH", d + "/web/status", body: ["status": ["replicas": 2]], contentType: "application/merge-patch+json")
        _ = server.call("GET", "/api/v1/namespaces/default/services")
        let w = server.watch(d, query: [:])
        w.cancel()
        let counts = server.requestCounts()
        #expect(counts == ["create deployments.apps": 1, "list deployments.apps": 1, "get deployments.apps": 1,
                           "patch deployments.apps": 1, "patch deployments.apps/status": 1, "list services": 1,
                           "watch deployments.apps": 1])
        server.resetRequestCounts()
        #expect(server.requestCounts().isEmpty)
    }
}

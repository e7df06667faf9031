import Foundation
import Testing
import KubeClient
import KubeModel
import DynamoAPI

/// Editing a running graph: scaling, a new image (a rollout: Ready goes False, then True),
/// removing and adding components, and a spec that turns invalid.
@Suite("e2e: update", .serialized)
struct UpdateScenarios {
    @Test("scaling a component changes its Deployment and the graph is Ready again at the new generation")
    func scaleComponent() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            try s.apply("scale", components: Graph.aggregated())
            try s.waitReady("scale")
            try s.apply("scale", components: Graph.aggregated(backendReplicas: 3))
            _ = try eventually("agg backend scaled to 3") { () -> Bool? in
                try s.deployment("scale-backend")?.spec?.replicas == 3 ? true : nil
            }
            let dd = try s.waitReady("scale")
            #expect(dd.componentStatus("backend")?.replicas == 3)
            #expect(dd.componentStatus("backend")?.availableReplicas == 3)
        }
    }

    @Test("a new image rolls out: Ready is False until the new pods are available, then True")
    func imageChangeRollsOut() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            try s.apply("roll", components: Graph.aggregated())
            let before = try s.waitReady("roll")
            let held = s.cluster.canHoldReadiness
            if held { s.cluster.holdReadiness(namespace: s.namespace, name: "roll-backend") }
            let newImage = s.cluster.onStandin ? "example.com/backend:v2" : "registry.k8s.io/pause:3.9"
            var components = Graph.aggregated()
            components[2] = Graph.component("backend", image: newImage, port: 8082)
            try s.apply("roll", components: components)
            _ = try eventually("backend Deployment carries the new image") { () -> Bool? in
                let image = try s.deployment("roll-backend")?.spec?.template?[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue
                return image == newImage ? true : nil
            }
            if held {
                let mid = try eventually("Ready=False during the rollout") { () -> DynamoDeployment? in
                    let dd = try s.dynamoDeployment("roll")
                    return dd.status?.observedGeneration == dd.metadata.generation && dd.readyCondition?.status == "False" ? dd : nil
                }
                #expect(mid.componentStatus("backend")?.phase == .progressing)
                s.cluster.releaseReadiness(namespace: s.namespace, name: "roll-backend")
            }
            let after = try s.waitReady("roll")
            #expect(after.metadata.generation! > before.metadata.generation!)
        }
    }

    @Test("a component removed from the spec is pruned; one added is created")
    func removeAndAddComponents() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            var components = Graph.aggregated()
            components.append(Graph.component("planner", port: 9090))
            try s.apply("prune", components: components)
            try s.waitReady("prune")
            #expect(try s.deployment("prune-planner") != nil)

            components.removeLast()
            try s.apply("prune", components: components)
            _ = try eventually("planner Deployment and Service pruned") { () -> Bool? in
                let gone = try s.deployment("prune-planner") == nil && s.services(of: "prune").allSatisfy { $0.metadata.name != "prune-planner" }
                return gone ? true : nil
            }
            #expect(try s.waitReady("prune").status?.readyComponents == "3/3")

            components.append(Graph.component("metrics", dependsOn: ["frontend"]))
            try s.apply("prune", components: components)
            _ = try eventually("metrics Deployment created") { try s.deployment("prune-metrics") }
            #expect(try s.services(of: "prune").allSatisfy { $0.metadata.name != "prune-metrics" }, "a component without ports gets no Service")
            #expect(try s.waitReady("prune").status?.readyComponents == "4/4")
        }
    }

    @Test("a dependency cycle introduced by an update is reported as InvalidSpec and touches no child")
    func cycleLeavesChildrenUntouched() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            try s.apply("cyc", components: Graph.aggregated())
            try s.waitReady("cyc")
            let before = try s.deployments(of: "cyc").map { ($0.metadata.name!, $0.metadata.resourceVersion!) }

            try s.apply("cyc", components: [
                Graph.component("frontend", port: 8080, dependsOn: ["processor"]),
                Graph.component("processor", port: 8081, dependsOn: ["backend"]),
                Graph.component("backend", image: "example.com/other:v9", port: 8082, dependsOn: ["processor"]),
            ])
            let invalid = try eventually("Valid=False InvalidSpec") { () -> DynamoDeployment? in
                let dd = try s.dynamoDeployment("cyc")
                let valid = dd.status?.conditions?.first { $0.type == "Valid" }
                return valid?.status == "False" && dd.status?.observedGeneration == dd.metadata.generation ? dd : nil
            }
            let valid = try #require(invalid.status?.conditions?.first { $0.type == "Valid" })
            #expect(valid.reason == "InvalidSpec")
            #expect(valid.message.contains("dependency cycle"))
            #expect(invalid.readyCondition?.status == "False")
            Thread.sleep(forTimeInterval: E2ETimeouts.quiet)
            let after = try s.deployments(of: "cyc").map { ($0.metadata.name!, $0.metadata.resourceVersion!) }
            #expect(Dictionary(uniqueKeysWithValues: after) == Dictionary(uniqueKeysWithValues: before), "no child may change while the spec is invalid")
        }
    }
}

import Testing
@testable import DynamoAPI

@Suite struct GraphTests {
    let spec = DynamoDeploymentSpec(components: [
        Component(name: "frontend", image: "i", dependsOn: ["processor"]),
        Component(name: "processor", image: "i", dependsOn: ["router", "backend"]),
        Component(name: "router", image: "i", dependsOn: ["backend"]),
        Component(name: "backend", image: "i"),
        Component(name: "planner", image: "i", dependsOn: ["metrics"], sidecar: true),
        Component(name: "metrics", image: "i"),
        Component(name: "bench", image: "i", dependsOn: ["frontend"]),
    ])

    @Test func topologicalOrderPutsDependenciesFirstAndKeepsDeclarationOrder() {
        let order = ComponentGraph(spec: spec).topologicalOrder
        #expect(order == ["backend", "router", "processor", "frontend", "metrics", "planner", "bench"])
    }

    @Test func withoutEntrypointsEverythingIsDeployed() {
        let g = ComponentGraph(spec: spec)
        #expect(g.deployed == spec.components.map { $0.name })
        #expect(g.unused.isEmpty)
    }

    @Test func entrypointsSelectReachableComponentsPlusSidecarsAndTheirDependencies() {
        var s = spec
        s.entrypoints = ["processor"]
        let g = ComponentGraph(spec: s)
        #expect(g.deployed == ["processor", "router", "backend", "planner", "metrics"])
        #expect(g.unused == ["frontend", "bench"])
    }

    @Test func dependenciesDependentsAndUnmet() {
        let g = ComponentGraph(spec: spec)
        #expect(g.dependencies(of: "processor") == ["router", "backend"])
        #expect(g.dependents(of: "backend") == ["processor", "router"])
        let ready: Set<String> = ["backend"]
        #expect(g.unmetDependencies(of: "processor", isReady: ready.contains) == ["router"])
        #expect(g.unmetDependencies(of: "backend", isReady: ready.contains).isEmpty)
    }

    @Test func selfEdgesAndUnknownNamesAreIgnoredByTheGraph() {
        let g = ComponentGraph(spec: DynamoDeploymentSpec(components: [Component(name: "a", image: "i", dependsOn: ["a", "ghost"])]))
        #expect(g.dependencies(of: "a").isEmpty)
        #expect(g.cycles.isEmpty)
        #expect(g.topologicalOrder == ["a"])
    }

    @Test func everySeparateCycleIsReported() {
        let g = ComponentGraph(spec: DynamoDeploymentSpec(components: [
            Component(name: "a", image: "i", dependsOn: ["b"]), Component(name: "b", image: "i", dependsOn: ["a"]),
            Component(name: "c", image: "i", dependsOn: ["d"]), Component(name: "d", image: "i", dependsOn: ["c"]),
        ]))
        #expect(g.cycles == [["a", "b", "a"], ["c", "d", "c"]])
    }
}

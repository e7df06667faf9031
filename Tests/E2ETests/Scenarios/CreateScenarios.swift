import Foundation
import Testing
import KubeClient
import KubeModel
import DynamoAPI

/// Creating a graph: children appear dependencies first, carry the labels, owner references,
/// injected env and Services the API promises, and the status walks Waiting → Progressing → Ready.
@Suite("e2e: create", .serialized)
struct CreateScenarios {
    @Test("children appear in dependency order, fully labelled and owned, and status converges to Ready")
    func createConvergesInDependencyOrder() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            let held = s.cluster.canHoldReadiness
            if held { s.cluster.holdReadiness(namespace: s.namespace, name: "agg-backend") }
            try s.apply("agg", components: Graph.aggregated())

            // The leaf is created first; its dependants wait for it.
            _ = try eventually("agg-backend created") { try s.deployment("agg-backend") }
            if held {
                let waiting = try eventually("processor reported Waiting for backend") { () -> ComponentStatus? in
                    let c = try s.dynamoDeployment("agg").componentStatus("processor")
                    return c?.phase == .waiting ? c : nil
                }
                #expect(waiting.waitingFor == ["backend"])
                Thread.sleep(forTimeInterval: E2ETimeouts.quiet)
                #expect(try s.deployment("agg-processor") == nil, "processor must not be created before backend is ready")
                #expect(try s.deployment("agg-frontend") == nil)
                let dd = try s.dynamoDeployment("agg")
                #expect(dd.readyCondition?.status == "False")
                s.cluster.releaseReadiness(namespace: s.namespace, name: "agg-backend")
            }

            let dd = try s.waitReady("agg")
            #expect(dd.status?.phase == .ready)
            #expect(dd.status?.readyComponents == "3/3")

            let deployments = try s.deployments(of: "agg")
            #expect(Set(deployments.compactMap(\.metadata.name)) == ["agg-frontend", "agg-processor", "agg-backend"])
            for d in deployments {
                let labels = d.metadata.labels ?? [:]
                #expect(labels[Labels.managedBy] == "dynamo-operator")
                #expect(labels[Labels.partOf] == "agg")
                #expect(labels[Labels.deployment] == "agg")
                let owner = d.metadata.controllerOwner
                #expect(owner?.kind == "DynamoDeployment")
                #expect(owner?.uid == dd.metadata.uid)
            }
            let processor = try #require(deployments.first { $0.metadata.name == "agg-processor" })
            let env = processor.spec?.template?[path: ["spec", "containers"]]?.arrayValue?.first?["env"]?.arrayValue ?? []
            let envByName = Dictionary(env.compactMap { e in e["name"]?.stringValue.map { ($0, e) } }, uniquingKeysWith: { a, _ in a })
            #expect(envByName["DYNAMO_BACKEND_HOST"]?["value"]?.stringValue == "agg-backend.\(s.namespace).svc")
            #expect(envByName["DYNAMO_BACKEND_PORT"]?["value"]?.stringValue == "8082")
            #expect(envByName["DYNAMO_COMPONENT"]?["value"]?.stringValue == "processor")

            let services = try s.services(of: "agg")
            #expect(Set(services.compactMap(\.metadata.name)) == ["agg-frontend", "agg-processor", "agg-backend"])
        }
    }

    @Test("a graph whose dependency never becomes ready keeps its dependants waiting, then converges")
    func waitingThenProgressingThenReady() throws {
        let s = try Scenario()
        defer { s.finish() }
        guard s.cluster.canHoldReadiness else { return }  // real readiness cannot be held from outside
        try s.check {
            try s.startOperator()
            s.cluster.holdReadiness(namespace: s.namespace, name: "chain-b")
            try s.apply("chain", components: [
                Graph.component("a", port: 9000, dependsOn: ["b"]),
                Graph.component("b", port: 9001),
            ])
            let seen = try eventually("b Progressing and a Waiting") { () -> DynamoDeployment? in
                let dd = try s.dynamoDeployment("chain")
                return dd.componentStatus("b")?.phase == .progressing && dd.componentStatus("a")?.phase == .waiting ? dd : nil
            }
            #expect(seen.status?.phase == .progressing || seen.status?.phase == .pending)
            s.cluster.releaseReadiness(namespace: s.namespace, name: "chain-b")
            let ready = try s.waitReady("chain")
            #expect(ready.componentStatus("a")?.phase == .ready)
        }
    }
}

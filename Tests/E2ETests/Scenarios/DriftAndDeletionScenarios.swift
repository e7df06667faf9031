import Foundation
import Testing
import KubeClient
import KubeModel
import DynamoAPI

/// Hand edits to children are repaired (and only the operator's fields); deleting the
/// DynamoDeployment removes its children and nothing is recreated.
@Suite("e2e: drift and deletion", .serialized)
struct DriftAndDeletionScenarios {
    @Test("a child deleted by hand is recreated")
    func deletedChildIsRecreated() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            try s.apply("drift", components: Graph.aggregated())
            try s.waitReady("drift")
            let old = try #require(try s.deployment("drift-processor"))
            try s.client.delete(.deployments, namespace: s.namespace, name: "drift-processor")
            let recreated = try eventually("drift-processor recreated") { () -> Deployment? in
                guard let d = try s.deployment("drift-processor"), d.metadata.uid != old.metadata.uid, d.metadata.deletionTimestamp == nil else { return nil }
                return d
            }
            #expect(recreated.metadata.controllerOwner?.name == "drift")
            try s.waitReady("drift")
        }
    }

    @Test("a hand edit of an owned field is reverted; fields owned by others are kept")
    func editedChildIsRevertedButOthersFieldsKept() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            try s.apply("edit", components: Graph.aggregated())
            try s.waitReady("edit")
            let wanted = try #require(try s.deployment("edit-backend")?.spec?.template?[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue)
            // kubectl set image + kubectl rollout restart, as a person would do them.
            let restartedAt = "2026-11-23T00:00:00Z"
            let edit: JSONValue = ["spec": ["template": [
                "metadata": ["annotations": ["kubectl.kubernetes.io/restartedAt": .string(restartedAt)]],
                "spec": ["containers": [["name": "main", "image": "example.com/hand-edited:1"]]],
            ]]]
            _ = try s.client.patch(.deployments, namespace: s.namespace, name: "edit-backend", patch: .strategicMerge(edit),
                                   options: WriteOptions(fieldManager: "kubectl-edit"))
            let reverted = try eventually("image reverted to \(wanted)") { () -> Deployment? in
                let d = try s.deployment("edit-backend")
                let image = d?.spec?.template?[path: ["spec", "containers"]]?.arrayValue?.first?["image"]?.stringValue
                return image == wanted ? d : nil
            }
            #expect(reverted.spec?.template?[path: ["metadata", "annotations", "kubectl.kubernetes.io/restartedAt"]]?.stringValue == restartedAt,
                    "the rollout-restart annotation belongs to kubectl and must survive")
        }
    }

    @Test("deleting the DynamoDeployment removes its children and none is recreated")
    func deletionCollectsChildrenWithoutRecreation() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            try s.apply("gone", components: Graph.aggregated())
            try s.waitReady("gone")
            try s.deleteDynamoDeployment("gone", propagation: "Foreground")
            _ = try eventually("DynamoDeployment and children gone") { () -> Bool? in
                let ddGone = try s.dynamoDeploymentIsGone("gone")
                let childrenGone = try s.deployments(of: "gone").isEmpty && s.services(of: "gone").isEmpty
                return ddGone && childrenGone ? true : nil
            }
            Thread.sleep(forTimeInterval: E2ETimeouts.quiet)
            #expect(try s.deployments(of: "gone").isEmpty, "a child was recreated after the owner was deleted")
            #expect(try s.services(of: "gone").isEmpty)
        }
    }

    @Test("kubectl delete --cascade=orphan leaves the children running, unowned and untouched")
    func orphanDeletionLeavesChildrenAlone() throws {
        let s = try Scenario()
        defer { s.finish() }
        try s.check {
            try s.startOperator()
            try s.apply("keep", components: Graph.aggregated())
            try s.waitReady("keep")
            let before = try s.deployments(of: "keep")
            let services = try s.services(of: "keep")
            #expect(!before.isEmpty && !services.isEmpty)
            try s.deleteDynamoDeployment("keep", propagation: "Orphan")
            _ = try eventually("DynamoDeployment gone") { () -> Bool? in try s.dynamoDeploymentIsGone("keep") ? true : nil }
            Thread.sleep(forTimeInterval: E2ETimeouts.quiet)
            let after = try s.deployments(of: "keep")
            #expect(Set(after.compactMap(\.metadata.uid)) == Set(before.compactMap(\.metadata.uid)), "a child was deleted or recreated")
            #expect(Set(try s.services(of: "keep").compactMap(\.metadata.uid)) == Set(services.compactMap(\.metadata.uid)))
            for d in after {
                #expect(d.metadata.ownerReferences?.isEmpty ?? true, "\(d.metadata.name ?? "") still names its deleted owner")
                let old = before.first { $0.metadata.uid == d.metadata.uid }
                #expect(d.metadata.generation == old?.metadata.generation, "\(d.metadata.name ?? "") was changed after its owner left")
            }
        }
    }
}

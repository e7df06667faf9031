import Testing
import KubeModel
import DynamoAPI
@testable import DynamoController

/// The operator's caches drop only what neither the reconciler nor the event mapping reads.
@Suite struct CacheTransformsTests {
    @Test func deploymentsKeepRolloutCountsAndTheProgressingVerdict() {
        var d = Deployment(metadata: ObjectMeta(name: "llm-backend", namespace: "ns", generation: 3, creationTimestamp: "2026-01-01T00:00:00Z",
                                                labels: ["nvidia.com/dynamo-component": "backend"]),
                           spec: DeploymentSpec(replicas: 2, template: ["spec": ["containers": [["name": "main", "image": "vllm:1"]]]]))
        d.status = DeploymentStatus(observedGeneration: 3, replicas: 2, updatedReplicas: 2, readyReplicas: 1, availableReplicas: 1, conditions: [
            .init(type: "Available", status: "False", lastUpdateTime: "t", lastTransitionTime: "t", reason: "MinimumReplicasUnavailable", message: "m"),
            .init(type: "Progressing", status: "False", lastUpdateTime: "t", lastTransitionTime: "t", reason: "ProgressDeadlineExceeded", message: "m"),
        ])
        var cached = d
        CacheTransforms.deployment(&cached)
        #expect(cached.metadata.creationTimestamp == nil)
        #expect(cached.status?.conditions == [.init(type: "Progressing", status: "False", reason: "ProgressDeadlineExceeded")])
        #expect(cached.spec == d.spec && cached.metadata.labels == d.metadata.labels && cached.metadata.generation == 3)
        #expect(RolloutState(deployment: cached, desiredReplicas: 2) == RolloutState(deployment: d, desiredReplicas: 2))
        #expect(ComponentProgress.deadlineExceeded(cached) && ComponentProgress.deadlineExceeded(d))
    }

    @Test func servicesKeepMetadataAndSpec() {
        var s = Service(metadata: ObjectMeta(name: "llm-frontend", namespace: "ns", creationTimestamp: "2026-01-01T00:00:00Z"),
                        spec: ["ports": [["name": "http", "port": 8000]]])
        s.status = CompactJSON(["loadBalancer": [:]])
        var cached = s
        CacheTransforms.service(&cached)
        #expect(cached.status == nil && cached.metadata.creationTimestamp == nil)
        #expect(cached.spec == s.spec && cached.metadata.name == s.metadata.name)
    }

    @Test func dynamoDeploymentsLoseOnlyTheLastAppliedCopy() {
        var dd = DynamoDeployment(metadata: ObjectMeta(name: "llm", namespace: "ns", annotations: [
            CacheTransforms.lastAppliedAnnotation: #"{"apiVersion":"nvidia.com/v1alpha1"}"#, "team": "a"]),
                                  spec: DynamoDeploymentSpec(components: [Component(name: "backend", image: "vllm:1")]))
        var cached = dd
        CacheTransforms.dynamoDeployment(&cached)
        #expect(cached.metadata.annotations == ["team": "a"] && cached.spec == dd.spec)
        dd.metadata.annotations = [CacheTransforms.lastAppliedAnnotation: "{}"]
        CacheTransforms.dynamoDeployment(&dd)
        #expect(dd.metadata.annotations == nil)
    }
}

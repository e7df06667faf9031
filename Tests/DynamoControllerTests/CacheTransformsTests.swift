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

    /// A Deployment as the API server stores it after the operator's apply: its field set and a
    /// defaulted pod template.
    static func applied(imageOwner: String = ClientClusterWriter.fieldManager, image: String = "vllm:1") -> Deployment {
        var meta = ObjectMeta(name: "llm-backend", namespace: "ns")
        let container: JSONValue = [".": [:], "f:name": [:], "f:image": [:]]
        var ours = container
        var theirs: JSONValue = [:]
        if imageOwner != ClientClusterWriter.fieldManager {
            ours = [".": [:], "f:name": [:]]
            theirs = ["f:spec": ["f:template": ["f:spec": ["f:containers": [#"k:{"name":"main"}"#: ["f:image": [:]]]]]]]
        }
        meta.managedFields = [
            ["manager": .string(ClientClusterWriter.fieldManager), "operation": "Apply", "apiVersion": "apps/v1", "fieldsType": "FieldsV1",
             "fieldsV1": ["f:spec": ["f:replicas": [:], "f:template": ["f:spec": ["f:containers": [#"k:{"name":"main"}"#: ours]]]]]],
            ["manager": .string(imageOwner == ClientClusterWriter.fieldManager ? "kube-controller-manager" : imageOwner),
             "operation": "Update", "apiVersion": "apps/v1", "fieldsType": "FieldsV1", "fieldsV1": theirs],
        ]
        return Deployment(metadata: meta, spec: DeploymentSpec(replicas: 1, template: [
            "spec": ["containers": [["name": "main", "image": .string(image), "imagePullPolicy": "IfNotPresent",
                                     "terminationMessagePath": "/dev/termination-log"]],
                     "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler"]]))
    }

    static let desired: JSONValue = ["spec": ["replicas": 1, "template": ["spec": ["containers": [["name": "main", "image": "vllm:1"]]]]]]

    @Test func templatesKeepOnlyWhatTheOperatorsApplyOwns() throws {
        var cached = Self.applied()
        CacheTransforms.deployment(&cached)
        #expect(cached.spec?.template?.value == ["spec": ["containers": [["name": "main", "image": "vllm:1"]]]])
        #expect(cached.spec?.strategy == nil)
        #expect(OwnedFields.satisfies(live: try JSONValue(encoding: cached), desired: Self.desired), "a converged child needs no apply")
    }

    @Test func aFieldAnotherManagerChangedReadsAsDrift() throws {
        // `kubectl edit` changed the image: the server moved the field to kubectl's entry.
        var edited = Self.applied(imageOwner: "kubectl-edit", image: "vllm:hacked")
        CacheTransforms.deployment(&edited)
        #expect(!OwnedFields.satisfies(live: try JSONValue(encoding: edited), desired: Self.desired))
        #expect(OwnedFields.firstDrift(live: try JSONValue(encoding: edited), desired: Self.desired) == ".spec.template.spec.containers")
    }

    @Test func objectsWithoutManagedFieldsAreKeptWhole() {
        var bare = Self.applied()
        bare.metadata.managedFields = nil
        let before = bare.spec
        CacheTransforms.deployment(&bare)
        #expect(bare.spec == before)
        var service = Service(metadata: ObjectMeta(name: "s", namespace: "ns"), spec: ["clusterIP": "10.0.0.1", "ports": [["port": 80]]])
        service.metadata.managedFields = [["manager": "someone-else", "operation": "Update", "fieldsV1": ["f:spec": ["f:ports": [:]]]]]
        CacheTransforms.service(&service)
        #expect(service.spec == nil, "nothing of the spec is the operator's until it applies")
    }
}

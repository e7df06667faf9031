import Testing
import KubeModel
@testable import DynamoAPI

@Suite struct DesiredStateTests {
    static let yaml = Fixtures.cr(extraSpec: """
          secretName: llm-secrets
          env:
            LOG: info
            SHARED: common
            TOKEN: ${{ secrets.API_TOKEN }}
        """, components: """
            - name: frontend
              image: fe:1
              replicas: 3
              ports: [{name: http, port: 8000}, {name: metrics, port: 9090}]
              dependsOn: [prefill-worker, sink]
              env: {SHARED: own}
            - name: prefill-worker
              image: worker:1
              command: [python3, -m, worker]
              args: [--port, "9100"]
              ports: [{name: grpc, port: 9100, protocol: TCP}]
              resources:
                requests: {cpu: 0.5, memory: 1024Mi, gpu: 1}
                limits: {cpu: 1000m, memory: 1.5Gi}
              secrets: [HF_TOKEN]
              sharedMemory: 2048Mi
              autoscaling: {maxReplicas: 4}
              podTemplate:
                metadata:
                  labels: {team: inference, nvidia.com/dynamo-component: spoofed}
                  annotations: {prometheus.io/scrape: "true"}
                spec:
                  serviceAccountName: worker
                  nodeSelector: {gpu: h100}
                  volumes: [{name: models, persistentVolumeClaim: {claimName: models}}]
                  containers:
                    - name: main
                      image: ignored:0
                      readinessProbe: {httpGet: {path: /health, port: 9100}}
                      volumeMounts: [{name: models, mountPath: /models}]
                      env: [{name: EXTRA, value: "1"}, {name: LOG, value: overridden}]
                      resources: {requests: {ephemeral-storage: 10Gi}}
                    - name: exporter
                      image: exporter:1
                      resources: {limits: {memory: 0.5Gi}}
            - name: sink
              image: sink:1
        """)

    func children() throws -> [DesiredChild] {
        try DesiredState.children(of: Fixtures.deployment(Self.yaml))
    }

    func child(_ kind: DesiredChildKind, _ name: String) throws -> JSONValue {
        try #require(try children().first { $0.summary.kind == kind && $0.name == name }).object
    }

    func env(_ deployment: JSONValue) -> [String: JSONValue] {
        var out: [String: JSONValue] = [:]
        for e in mainContainer(deployment)["env"]?.arrayValue ?? [] {
            var v = e
            v["name"] = nil
            out[e["name"]!.stringValue!] = v
        }
        return out
    }

    func mainContainer(_ deployment: JSONValue) -> JSONValue {
        deployment[path: ["spec", "template", "spec", "containers"]]?.arrayValue?.first { $0["name"] == "main" } ?? .null
    }

    @Test func namesKindsAndOrder() throws {
        let summaries = try children().map(\.summary.description)
        #expect(summaries == [
            "Deployment/llm-prefill-worker", "Service/llm-prefill-worker", "HorizontalPodAutoscaler/llm-prefill-worker",
            "Deployment/llm-sink",
            "Deployment/llm-frontend", "Service/llm-frontend",
        ])
        #expect(try children().allSatisfy { $0.object["metadata"]?["namespace"] == "ns" })
    }

    @Test func labelsSelectorAndOwnerReference() throws {
        let d = try child(.deployment, "llm-frontend")
        let labels: JSONValue = ["app.kubernetes.io/managed-by": "dynamo-operator", "app.kubernetes.io/part-of": "llm",
                                 "nvidia.com/dynamo-deployment": "llm", "nvidia.com/dynamo-component": "frontend"]
        #expect(d[path: ["metadata", "labels"]] == labels)
        #expect(d[path: ["spec", "template", "metadata", "labels"]] == labels)
        let selector: JSONValue = ["nvidia.com/dynamo-deployment": "llm", "nvidia.com/dynamo-component": "frontend"]
        #expect(d[path: ["spec", "selector", "matchLabels"]] == selector)
        #expect(try child(.service, "llm-frontend")[path: ["spec", "selector"]] == selector)
        #expect(try child(.service, "llm-frontend")[path: ["spec", "type"]] == "ClusterIP")
        let owner: JSONValue = ["apiVersion": "nvidia.com/v1alpha1", "kind": "DynamoDeployment", "name": "llm", "uid": "1111-2222",
                                "controller": true, "blockOwnerDeletion": true]
        for c in try children() { #expect(c.object[path: ["metadata", "ownerReferences"]] == [owner], "\(c.summary)") }
    }

    @Test func ownerReferenceIsOmittedWithoutUID() throws {
        var dd = try Fixtures.deployment(Self.yaml)
        dd.metadata.uid = nil
        #expect(try DesiredState.children(of: dd).allSatisfy { $0.object[path: ["metadata", "ownerReferences"]] == nil })
    }

    @Test func serviceOnlyForComponentsWithPorts() throws {
        #expect(try children().filter { $0.component == "sink" }.map(\.summary.kind) == [.deployment])
        let svc = try child(.service, "llm-frontend")
        #expect(svc[path: ["spec", "ports"]] == [
            ["name": "http", "port": 8000, "targetPort": 8000, "protocol": "TCP"],
            ["name": "metrics", "port": 9090, "targetPort": 9090, "protocol": "TCP"],
        ])
    }

    @Test func envInjectionSecretsAndDependencyDiscovery() throws {
        let e = env(try child(.deployment, "llm-frontend"))
        #expect(e["DYNAMO_DEPLOYMENT"] == ["value": "llm"])
        #expect(e["DYNAMO_COMPONENT"] == ["value": "frontend"])
        #expect(e["POD_NAMESPACE"] == ["valueFrom": ["fieldRef": ["apiVersion": "v1", "fieldPath": "metadata.namespace"]]])
        #expect(e["DYNAMO_PREFILL_WORKER_HOST"] == ["value": "llm-prefill-worker.ns.svc"])
        #expect(e["DYNAMO_PREFILL_WORKER_PORT"] == ["value": "9100"])
        #expect(e["DYNAMO_SINK_HOST"] == nil, "sink has no ports")
        #expect(e["SHARED"] == ["value": "own"], "the component's env wins over spec.env")
        #expect(e["LOG"] == ["value": "info"])
        #expect(e["TOKEN"] == ["valueFrom": ["secretKeyRef": ["name": "llm-secrets", "key": "API_TOKEN"]]])
        let names = mainContainer(try child(.deployment, "llm-frontend"))["env"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(names == names?.sorted())

        let w = env(try child(.deployment, "llm-prefill-worker"))
        #expect(w["HF_TOKEN"] == ["valueFrom": ["secretKeyRef": ["name": "llm-secrets", "key": "HF_TOKEN"]]])
    }

    @Test func containerResourcesMapGPUAndCanonicaliseQuantities() throws {
        let main = mainContainer(try child(.deployment, "llm-prefill-worker"))
        #expect(main["resources"] == [
            "requests": ["cpu": "500m", "memory": "1Gi", "nvidia.com/gpu": "1", "ephemeral-storage": "10Gi"],
            "limits": ["cpu": "1", "memory": "1536Mi", "nvidia.com/gpu": "1"],
        ])
        #expect(main["command"] == ["python3", "-m", "worker"])
        #expect(main["args"] == ["--port", "9100"])
        #expect(main["ports"] == [["name": "grpc", "containerPort": 9100, "protocol": "TCP"]])
    }

    @Test func sharedMemoryBecomesAnInMemoryEmptyDir() throws {
        let d = try child(.deployment, "llm-prefill-worker")
        let volumes = d[path: ["spec", "template", "spec", "volumes"]]?.arrayValue ?? []
        #expect(volumes.contains(["name": "dshm", "emptyDir": ["medium": "Memory", "sizeLimit": "2Gi"]]))
        #expect(mainContainer(d)["volumeMounts"]?.arrayValue?.contains(["name": "dshm", "mountPath": "/dev/shm"]) == true)
        #expect(mainContainer(try child(.deployment, "llm-sink"))["volumeMounts"] == nil)
    }

    @Test func podTemplateMergesUnderExplicitFields() throws {
        let d = try child(.deployment, "llm-prefill-worker")
        let template = try #require(d[path: ["spec", "template"]])
        #expect(template[path: ["metadata", "labels", "team"]] == "inference")
        #expect(template[path: ["metadata", "labels", "nvidia.com/dynamo-component"]] == "prefill-worker", "generated labels win")
        #expect(template[path: ["metadata", "annotations", "prometheus.io/scrape"]] == "true")
        #expect(template[path: ["spec", "serviceAccountName"]] == "worker")
        #expect(template[path: ["spec", "nodeSelector"]] == ["gpu": "h100"])
        let containers = template[path: ["spec", "containers"]]?.arrayValue ?? []
        #expect(containers.map { $0["name"] } == ["main", "exporter"])
        let main = mainContainer(d)
        #expect(main["image"] == "worker:1", "the component's image wins")
        #expect(main["readinessProbe"] != nil, "user-only fields are kept")
        #expect(main["volumeMounts"]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["models", "dshm"])
        let e = env(d)
        #expect(e["EXTRA"] == ["value": "1"])
        #expect(e["LOG"] == ["value": "info"], "spec.env wins over podTemplate env")
        #expect(template[path: ["spec", "volumes"]]?.arrayValue?.compactMap { $0["name"]?.stringValue } == ["models", "dshm"])
        #expect(containers.last?[path: ["resources", "limits", "memory"]] == "512Mi", "quantities inside podTemplate are canonical")
    }

    @Test func autoscalingCreatesHPAAndLeavesReplicasToIt() throws {
        let d = try child(.deployment, "llm-prefill-worker")
        #expect(d[path: ["spec", "replicas"]] == nil)
        #expect(try child(.deployment, "llm-frontend")[path: ["spec", "replicas"]] == 3)
        #expect(try child(.deployment, "llm-sink")[path: ["spec", "replicas"]] == 1, "default replicas")
        let hpa = try child(.horizontalPodAutoscaler, "llm-prefill-worker")
        #expect(hpa["apiVersion"] == "autoscaling/v2")
        #expect(hpa[path: ["spec", "scaleTargetRef"]] == ["apiVersion": "apps/v1", "kind": "Deployment", "name": "llm-prefill-worker"])
        #expect(hpa[path: ["spec", "minReplicas"]] == 1)
        #expect(hpa[path: ["spec", "maxReplicas"]] == 4)
        #expect(hpa[path: ["spec", "metrics"]]?.arrayValue?.first?[path: ["resource", "target", "averageUtilization"]] == 80)
    }

    @Test func outputIsDeterministic() throws {
        let a = try children().map { $0.object.jsonString() }
        let b = try children().map { $0.object.jsonString() }
        #expect(a == b)
        let yamlA = try YAMLWriter.documents(try children().map(\.object))
        #expect(yamlA == (try YAMLWriter.documents(try children().map(\.object))))
    }

    @Test func unusedComponentsGetNoChildren() throws {
        var dd = try Fixtures.deployment(Self.yaml)
        dd.spec.entrypoints = ["sink"]
        #expect(try DesiredState.children(of: dd).map(\.component) == ["sink"])
    }

    @Test func invalidOrUnplacedObjectsAreRefused() throws {
        var dd = try Fixtures.deployment(Self.yaml)
        dd.metadata.namespace = nil
        #expect(throws: DesiredStateError.missingNamespace) { try DesiredState.children(of: dd) }
        dd.metadata.namespace = "ns"
        dd.spec.components[0].dependsOn = ["frontend"]
        #expect(throws: DesiredStateError.self) { try DesiredState.children(of: dd) }
    }
}

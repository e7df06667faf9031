import Testing
import KubeModel
@testable import DynamoAPI

@Suite struct IRTests {
    @Test func convertsEveryFieldAndResolvesAnchors() throws {
        let yaml = """
        version: 0.2
        name: demo
        namespace: team-a
        x-common: &common
          image: runtime:1
          resources: {cpu: 4, memory: 16Gi, gpu: 1}
          environment: {LOG: debug}
        components:
          - name: frontend
            image: runtime:1
            cmd: python3 -m "dynamo frontend" --flag='a b'
            parameters: {port: 8000, verbose: true, quiet: false}
            ports: [8000]
            dependencies: [worker]
          - <<: *common
            name: worker
            cmd: [python3, -m, dynamo.vllm]
            parameters: [--model, m]
            replicas: 2
            secrets: [HF_TOKEN]
            environment: {LOG: info}
        """
        let docs = try DeploymentLoader.load(yaml: yaml)
        let doc = try #require(docs.first)
        #expect(doc.source == .ir)
        #expect(doc.errors.isEmpty, "\(doc.errors)")
        let dd = try #require(doc.deployment)
        #expect(dd.metadata.name == "demo")
        #expect(dd.metadata.namespace == "team-a")
        #expect(dd.spec.version == "0.2")
        #expect(dd.spec.secretName == "demo-secrets")
        let fe = try #require(dd.spec.component(named: "frontend"))
        #expect(fe.command == ["python3", "-m", "dynamo frontend", "--flag=a b"])
        #expect(fe.args == ["--port", "8000", "--verbose"])
        #expect(fe.ports == [ComponentPort(name: "http", port: 8000)])
        #expect(fe.dependsOn == ["worker"])
        let w = try #require(dd.spec.component(named: "worker"))
        #expect(w.image == "runtime:1", "from the anchor")
        #expect(w.env == ["LOG": "info"], "explicit keys win over the merged anchor")
        #expect(w.command == ["python3", "-m", "dynamo.vllm"])
        #expect(w.args == ["--model", "m"])
        #expect(w.replicas == 2)
        #expect(w.secrets == ["HF_TOKEN"])
        #expect(w.resources == ComponentResources(requests: ["cpu": "4", "memory": "16Gi", "gpu": "1"],
                                                   limits: ["memory": "16Gi", "gpu": "1"]))
    }

    @Test func reportsMalformedFieldsWithPaths() throws {
        let docs = try DeploymentLoader.load(yaml: """
        name: demo
        components:
          - name: a
            image: i
            replicas: two
            cmd: "unterminated 'quote"
            colour: blue
        """)
        let errors = docs.flatMap(\.errors).map(\.description)
        #expect(errors.sorted() == [
            "components[0].cmd: unterminated quote",
            "components[0].colour: unknown field",
            "components[0].replicas: must be an integer",
        ])
    }

    @Test func convertedIRIsValidatedLikeAResource() throws {
        let docs = try DeploymentLoader.load(yaml: "name: demo\ncomponents:\n  - {name: a, image: i, dependencies: [b]}\n")
        #expect(docs.first?.errors.map(\.description) == ["spec.components[0].dependsOn[0]: component \"b\" does not exist"])
    }

    @Test func shellWords() throws {
        #expect(try ShellWords.split(#"a  "b c" 'd "e"' f\ g "h\"i""#) == ["a", "b c", #"d "e""#, "f g", #"h"i"#])
        #expect(try ShellWords.split("   ") == [])
        #expect(throws: ShellWords.UnterminatedQuote.self) { try ShellWords.split("\"open") }
    }

    @Test func multiDocumentFilesMixResourcesAndIR() throws {
        let text = try Fixtures.text("examples/agg.yaml") + "\n---\n" + Fixtures.text("examples/ir/disagg.yaml")
        let docs = try DeploymentLoader.load(yaml: text)
        #expect(docs.map(\.source) == [.resource, .ir])
        #expect(docs.map(\.label) == ["DynamoDeployment/agg", "IR disagg-ir"])
        #expect(docs.allSatisfy { $0.errors.isEmpty })
    }

    @Test func convertedYAMLReadsBackAsTheSameValidResource() throws {
        let ir = try #require(try DeploymentLoader.load(yaml: Fixtures.text("examples/ir/disagg.yaml")).first?.deployment)
        let yaml = try YAMLWriter.document(try JSONValue(encoding: ir))
        let back = try #require(try DeploymentLoader.load(yaml: yaml).first)
        #expect(back.source == .resource)
        #expect(back.errors.isEmpty, "\(back.errors)")
        #expect(back.deployment == ir)
        #expect(yaml.hasPrefix("apiVersion: nvidia.com/v1alpha1\nkind: DynamoDeployment\n"))
    }
}

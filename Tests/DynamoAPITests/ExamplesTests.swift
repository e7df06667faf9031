import Testing
import KubeModel
@testable import DynamoAPI

@Suite struct ExamplesTests {
    @Test(arguments: ["examples/agg.yaml", "examples/agg_router.yaml", "examples/disagg.yaml",
                      "examples/disagg_router.yaml", "examples/multimodal.yaml", "examples/ir/disagg.yaml"])
    func exampleValidatesAndRenders(path: String) throws {
        let docs = try DeploymentLoader.load(yaml: Fixtures.text(path))
        #expect(docs.count == 1)
        let doc = try #require(docs.first)
        #expect(doc.errors.isEmpty, "\(doc.errors)")
        var dd = try #require(doc.deployment)
        dd.metadata.namespace = dd.metadata.namespace ?? "default"
        let children = try DesiredState.children(of: dd)
        let deployed = ComponentGraph(spec: dd.spec).deployed
        #expect(Set(children.filter { $0.summary.kind == .deployment }.map(\.component)) == Set(deployed))
        for c in dd.spec.components where deployed.contains(c.name) && c.hasPorts {
            #expect(children.contains { $0.summary.kind == .service && $0.component == c.name })
        }
    }

    @Test func everyShippedExampleIsCovered() throws {
        let listed: Set<String> = ["examples/agg.yaml", "examples/agg_router.yaml", "examples/disagg.yaml",
                                   "examples/disagg_router.yaml", "examples/multimodal.yaml"]
        #expect(Set(try Fixtures.files(in: "examples")) == listed)
    }

    @Test func namedGraphsHaveTheirComponents() throws {
        func names(_ p: String) throws -> [String] { try Fixtures.deployment(Fixtures.text(p)).spec.components.map(\.name) }
        #expect(try names("examples/agg.yaml") == ["frontend", "processor", "backend"])
        #expect(try names("examples/disagg.yaml") == ["frontend", "processor", "decode", "prefill"])
        #expect(try names("examples/multimodal.yaml") == ["frontend", "encoder", "backend"])
    }

    /// Each invalid example lists its expected messages as `# expect: …` lines; exactly those are reported.
    @Test func invalidExamplesReportTheirExpectedMessages() throws {
        let files = try Fixtures.files(in: "examples/invalid")
        #expect(files.count >= 4)
        for file in files {
            let text = try Fixtures.text(file)
            let expected = text.split(separator: "\n").filter { $0.hasPrefix("# expect: ") }.map { String($0.dropFirst("# expect: ".count)) }
            #expect(!expected.isEmpty, "\(file) has no expectations")
            let got = try Fixtures.errors(text)
            #expect(got.sorted() == expected.sorted(), "\(file)")
        }
    }
}

import Testing
import KubeModel
@testable import DynamoAPI

@Suite struct YAMLTests {
    @Test func writerOutputReadsBackUnchanged() throws {
        let value: JSONValue = [
            "apiVersion": "v1", "kind": "X",
            "metadata": ["name": "n", "labels": ["a": "true", "b": "1", "c": "yes", "d": "", "e": "null", "f": "1.5"]],
            "spec": ["n": 3, "f": 2.5, "b": false, "list": ["x", 1, ["k": "v"]], "empty": [:], "cel": "self.x.matches(r'^\\$\\{\\{ *a\\.b *\\}\\}$') && 'it''s'"],
        ]
        let text = try YAMLWriter.document(value)
        #expect(try DocumentParser.parseDocuments(text) == [value])
        #expect(text.hasPrefix("apiVersion: v1\nkind: X\nmetadata:\n"))
    }

    @Test func parserHandlesMultipleDocumentsAnchorsAndTimestampsAsStrings() throws {
        let docs = try DocumentParser.parseDocuments("""
        ---
        base: &b {x: 1, y: 2}
        merged: {<<: *b, y: 3}
        alias: *b
        date: 2024-01-01
        ---
        ---
        second: true
        """)
        #expect(docs.count == 2)
        #expect(docs[0]["merged"] == ["x": 1, "y": 3])
        #expect(docs[0]["alias"] == ["x": 1, "y": 2])
        #expect(docs[0]["date"] == "2024-01-01")
        #expect(docs[1] == ["second": true])
    }

    @Test func invalidYAMLIsAnError() {
        #expect(throws: DocumentParser.ParseError.self) { try DocumentParser.parseDocuments("a: [1, 2\nb: }") }
    }

    @Test func unknownNestedFieldsAreReported() throws {
        let errors = try Fixtures.errors(Fixtures.cr(components: """
            - name: a
              image: i
              ports: [{name: http, port: 80, proto: TCP}]
              resources: {request: {cpu: 1}}
              autoscaling: {maxReplicas: 2, targetCPU: 50}
        """))
        #expect(errors == [
            "spec.components[0].resources.request: unknown field",
            "spec.components[0].autoscaling.targetCPU: unknown field",
            "spec.components[0].ports[0].proto: unknown field",
        ])
    }
}

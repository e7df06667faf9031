import Foundation
import Testing
@testable import KubeModel

/// The tree decoder must read exactly what `JSONDecoder` reads from the same text, faster.
@Suite struct JSONTreeDecoderTests {
    struct Sample: Codable, Equatable {
        var name: String
        var count: Int
        var ratio: Double
        var on: Bool
        var tags: [String]
        var nested: [String: Int]
        var labels: [String: String]
        var optional: Int?
        var absent: String?
        var raw: JSONValue
        var small: UInt8
    }

    static let text = """
        {"name":"web","count":3,"ratio":0.5,"on":true,"tags":["a","b"],"nested":{"x":1},"labels":{"app":"web","tier":""},"optional":null,
         "raw":{"k":[1,2.5,"s",null,{"z":false}]},"small":200}
        """

    @Test func readsWhatJSONDecoderReads() throws {
        let data = Data(Self.text.utf8)
        let viaFoundation = try JSONDecoder().decode(Sample.self, from: data)
        let viaTree = try JSONValue(data: data).decode(as: Sample.self)
        #expect(viaTree == viaFoundation)
        #expect(viaTree.optional == nil && viaTree.absent == nil)
    }

    @Test func jsonValueFieldsReceiveTheirSubtreeUnchanged() throws {
        let tree = try JSONValue(data: Data(Self.text.utf8))
        let sample = try tree.decode(as: Sample.self)
        #expect(sample.raw == tree["raw"])
        #expect(sample.raw[path: ["k"]]?.arrayValue?[1] == .double(2.5))
    }

    @Test func aKubernetesObjectRoundTripsThroughTheTree() throws {
        let deployment: JSONValue = [
            "apiVersion": "apps/v1", "kind": "Deployment",
            "metadata": ["name": "web", "namespace": "ns", "generation": 4, "labels": ["app": "web"],
                         "ownerReferences": [["apiVersion": "v1", "kind": "X", "name": "o", "uid": "u", "controller": true]]],
            "spec": ["replicas": 2, "selector": ["matchLabels": ["app": "web"]],
                     "template": ["spec": ["containers": [["name": "main", "image": "nginx"]]]]],
            "status": ["observedGeneration": 4, "replicas": 2, "conditions": [["type": "Available", "status": "True"]]],
        ]
        let viaTree = try deployment.decode(as: Deployment.self)
        let viaFoundation = try JSONDecoder().decode(Deployment.self, from: deployment.data())
        #expect(viaTree == viaFoundation)
        #expect(try JSONValue(encoding: viaTree) == deployment)
    }

    @Test func integersAcceptIntegralDoublesOnly() throws {
        struct N: Decodable { var n: Int }
        #expect(try JSONValue.object(["n": .double(3)]).decode(as: N.self).n == 3)
        #expect(throws: DecodingError.self) { try JSONValue.object(["n": .double(3.5)]).decode(as: N.self) }
        #expect(throws: DecodingError.self) { try JSONValue.object(["n": .int(300)]).decode(as: Sample.self) }
    }

    @Test func mismatchesNameTheCodingPath() throws {
        var bad = try JSONValue(data: Data(Self.text.utf8))
        bad[path: ["nested", "x"]] = "one"
        do {
            _ = try bad.decode(as: Sample.self)
            Issue.record("a string where an Int belongs must not decode")
        } catch DecodingError.typeMismatch(_, let context) {
            #expect(context.codingPath.map(\.stringValue) == ["nested", "x"])
        }
        // Optional fields (looked up once) and array elements name their place too.
        for (path, value, expected) in [(["optional"], JSONValue.string("x"), ["optional"]),
                                        (["tags"], ["a", 5], ["tags", "Index 1"]),
                                        (["labels"], ["app": "web", "n": 5], ["labels", "n"]),
                                        (["small"], .int(-1), ["small"])] {
            var wrong = try JSONValue(data: Data(Self.text.utf8))
            wrong[path: path] = value
            do {
                _ = try wrong.decode(as: Sample.self)
                Issue.record("\(path) = \(value) must not decode")
            } catch DecodingError.typeMismatch(_, let context) {
                #expect(context.codingPath.map(\.stringValue) == expected)
            }
        }
        var missing = try JSONValue(data: Data(Self.text.utf8))
        missing["name"] = nil
        #expect(throws: DecodingError.self) { try missing.decode(as: Sample.self) }
    }

    @Test func syntaxErrorsAreReported() {
        #expect(throws: JSONSyntaxError.self) { try JSONValue(data: Data("{\"a\":".utf8)) }
        #expect(throws: JSONSyntaxError.self) { try JSONValue(data: Data("[1,]".utf8)) }
    }
}

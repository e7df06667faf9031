import Foundation
import Testing
@testable import KubeModel

/// The tree encoder must produce exactly the tree `JSONEncoder` + `JSONParser` produce.
@Suite struct JSONTreeEncoderTests {
    struct Manual: Encodable {
        enum K: String, CodingKey { case a, list, inner }
        func encode(to encoder: Encoder) throws {
            var c = encoder.container(keyedBy: K.self)
            try c.encode(1, forKey: .a)
            var list = c.nestedUnkeyedContainer(forKey: .list)
            try list.encode("x")
            try list.encodeNil()
            var deep = list.nestedContainer(keyedBy: K.self)
            try deep.encode(true, forKey: .a)
            var inner = c.nestedContainer(keyedBy: K.self, forKey: .inner)
            try inner.encode([UInt8(7), 8], forKey: .list)
        }
    }

    struct Everything: Encodable {
        var name = "web"
        var count = 3
        var big: Int64 = 9_007_199_254_740_993
        var ratio = 0.5
        var whole = 2.0
        var on = true
        var tags = ["a", "b"]
        var nested = ["x": 1]
        var present: Int? = 4
        var absent: String? = nil
        var raw: JSONValue = ["k": [1, 2.5, "s", .null, ["z": false]]]
        var compact = CompactJSON(["containers": [["name": "main", "image": "nginx"]]])
        var small: UInt8 = 200
        var float: Float = 1.5
        var bytes = Data([1, 2, 3])
        var url = URL(string: "https://example.com/a")!
        var manual = Manual()
        var deployment = Deployment(metadata: ObjectMeta(name: "web", namespace: "ns", labels: ["app": "web"]),
                                    spec: DeploymentSpec(replicas: 2, template: ["spec": ["containers": []]]))
    }

    @Test func producesWhatJSONEncoderAndTheParserProduce() throws {
        let value = Everything()
        let viaText = try JSONValue(data: JSONCoding.encode(value))
        let viaTree = try JSONTreeEncoder.encode(value)
        #expect(viaTree == viaText)
        #expect(viaTree["absent"] == nil)
        #expect(viaTree["whole"] == .int(2))
        #expect(viaTree[path: ["manual", "list"]] == [.string("x"), .null, ["a": true]])
    }

    @Test func nonFiniteNumbersThrowLikeJSONEncoder() {
        struct Bad: Encodable { var d = Double.nan }
        #expect(throws: EncodingError.self) { try JSONTreeEncoder.encode(Bad()) }
        #expect(throws: EncodingError.self) { try JSONCoding.encode(Bad()) }
        // The error names the same place JSONEncoder names: keys and element indexes.
        struct Inner: Encodable { var x: Double }
        struct Outer: Encodable { var items: [Inner] }
        func path(_ error: EncodingError?) -> [String] {
            guard case .invalidValue(_, let context)? = error else { return [] }
            return context.codingPath.map(\.stringValue)
        }
        let outer = Outer(items: [Inner(x: 1), Inner(x: .infinity)])
        let viaTree = #expect(throws: EncodingError.self) { try JSONTreeEncoder.encode(outer) }
        let viaFoundation = #expect(throws: EncodingError.self) { try JSONEncoder().encode(outer) }
        #expect(path(viaTree) == ["items", "Index 1", "x"])
        #expect(path(viaTree) == path(viaFoundation))
    }

    @Test func compactJSONKeepsTheTreeAndItsWireForm() throws {
        let tree: JSONValue = ["spec": ["containers": [["name": "main", "args": ["--a", "é\"\n"], "n": 1.25]]], "z": .null]
        let compact = CompactJSON(tree)
        #expect(compact.value == tree)
        #expect(Data(compact.text) == JSONWire.encode(tree))
        #expect(compact[path: ["spec", "containers"]]?.arrayValue?.first?["n"] == .double(1.25))
        #expect(CompactJSON(tree) == compact && CompactJSON(["other": 1]) != compact)
        // Codable: a nested JSON value, not a string.
        struct Holder: Codable, Equatable { var t: CompactJSON }
        let data = try JSONCoding.encode(Holder(t: compact))
        #expect(String(decoding: data, as: UTF8.self) == #"{"t":"# + String(decoding: compact.text, as: UTF8.self) + "}")
        #expect(try JSONDecoder().decode(Holder.self, from: data) == Holder(t: compact))
        #expect(try JSONValue(data: data).decode(as: Holder.self) == Holder(t: compact))
    }
}

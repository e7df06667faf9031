import Foundation
import Testing
@testable import KubeModel

@Suite struct JSONValueTests {
    @Test func roundTripKeepsIntegersAndFloatsApart() throws {
        let text = #"{"a":1,"b":1.5,"c":"x","d":[true,null],"e":{"f":9007199254740993}}"#
        let v = try JSONValue(data: Data(text.utf8))
        #expect(v["a"] == .int(1))
        #expect(v["b"] == .double(1.5))
        #expect(v["e"]?["f"] == .int(9007199254740993))
        #expect(v.jsonString() == text)
    }

    @Test func mergePatchFollowsRFC7386() {
        let target: JSONValue = ["a": "b", "c": ["d": "e", "f": "g"], "l": [1, 2]]
        let patch: JSONValue = ["a": "z", "c": ["f": .null], "l": [3]]
        let out = target.applyingMergePatch(patch)
        #expect(out == ["a": "z", "c": ["d": "e"], "l": [3]])
        #expect(out.mergePatch(from: target).map { target.applyingMergePatch($0) } == out)
        #expect(out.mergePatch(from: out) == nil)
    }

    @Test func pathSubscriptCreatesIntermediateObjects() {
        var v: JSONValue = [:]
        v[path: ["metadata", "labels", "app"]] = "web"
        #expect(v.jsonString() == #"{"metadata":{"labels":{"app":"web"}}}"#)
    }

    @Test func resourcePaths() {
        let d = ResourceDescriptor.deployments
        #expect(d.collectionPath(namespace: "ns") == "/apis/apps/v1/namespaces/ns/deployments")
        #expect(d.collectionPath(namespace: nil) == "/apis/apps/v1/deployments")
        #expect(d.objectPath(namespace: "ns", name: "web", subresource: "status") == "/apis/apps/v1/namespaces/ns/deployments/web/status")
        #expect(ResourceDescriptor.namespaces.objectPath(namespace: "ignored", name: "x") == "/api/v1/namespaces/x")
        #expect(d.groupResource == "deployments.apps")
    }
}

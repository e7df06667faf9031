import Foundation
import KubeModel
import Testing
@testable import KubeStandin

/// A fragment of deploy/crds/nvidia.com_dynamodeployments.yaml (components, ports, replicas),
/// plus a few nodes exercising the other keywords.
@Suite struct StructuralSchemaTests {
    static let schema = StructuralSchema(openAPIV3Schema: Transcript.json(#"""
    {"type":"object","required":["spec"],"properties":{
      "apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},
      "spec":{"type":"object","required":["components"],"properties":{
        "components":{"type":"array","minItems":1,"maxItems":64,"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
          "items":{"type":"object","required":["name","image"],"properties":{
            "name":{"type":"string","minLength":1,"maxLength":40,"pattern":"^[a-z]([-a-z0-9]*[a-z0-9])?$"},
            "image":{"type":"string","minLength":1,"maxLength":1024},
            "replicas":{"type":"integer","format":"int32","default":1,"minimum":0},
            "ports":{"type":"array","maxItems":16,"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],
              "items":{"type":"object","required":["name","port"],"properties":{
                "name":{"type":"string"},"port":{"type":"integer","minimum":1,"maximum":65535},
                "protocol":{"type":"string","default":"TCP","enum":["TCP","UDP","SCTP"]}}}},
            "resources":{"type":"object","properties":{"requests":{"type":"object","additionalProperties":{"x-kubernetes-int-or-string":true}}}},
            "env":{"type":"object","additionalProperties":{"type":"object","properties":{"value":{"type":"string","default":"x"}}}},
            "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}},
        "entrypoints":{"type":"array","maxItems":2,"x-kubernetes-list-type":"set","items":{"type":"string"}},
        "ratio":{"type":"number","exclusiveMinimum":true,"minimum":0,"exclusiveMaximum":true,"maximum":1},
        "labels":{"type":"object","maxProperties":1,"additionalProperties":{"type":"string"}},
        "note":{"type":"string","nullable":true}}},
      "status":{"type":"object","properties":{"phase":{"type":"string"}}}}}
    """#))

    @Test func prunesUnknownFieldsButKeepsMetadataAndPreserved() {
        var o = Transcript.json(#"{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoDeployment","metadata":{"name":"d","anything":1},"spec":{"bogus":1,"note":null,"ratio":null,"components":[{"name":"a","image":"i","junk":true,"extra":{"x":{"y":1}},"resources":{"requests":{"cpu":"1"}}}]},"top":1}"#)
        Self.schema.prune(&o)
        #expect(o == Transcript.json(#"{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoDeployment","metadata":{"name":"d","anything":1},"spec":{"note":null,"components":[{"name":"a","image":"i","extra":{"x":{"y":1}},"resources":{"requests":{"cpu":"1"}}}]}}"#))
    }

    /// The unknown fields are exactly what pruning drops (nulls of declared fields are dropped
    /// but are not unknown), plus metadata fields ObjectMeta lacks, which pruning keeps.
    @Test func unknownFieldsNameWhatPruningDrops() {
        let o = Transcript.json(#"{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoDeployment","metadata":{"name":"d","anything":1},"spec":{"bogus":1,"note":null,"ratio":null,"components":[{"name":"a","image":"i","junk":true,"extra":{"x":{"y":1}},"resources":{"requests":{"cpu":"1"}}}]},"top":1}"#)
        #expect(Self.schema.unknownFields(o) == ["metadata.anything", "spec.bogus", "spec.components[0].junk", "top"])
    }

    @Test func defaultsReachItemsAndMapValues() {
        var o = Transcript.json(#"{"spec":{"components":[{"name":"a","image":"i","ports":[{"name":"http","port":80}],"env":{"K":{}}},{"name":"b","image":"i","replicas":3}]}}"#)
        Self.schema.applyDefaults(to: &o)
        #expect(o == Transcript.json(#"{"spec":{"components":[{"name":"a","image":"i","replicas":1,"ports":[{"name":"http","port":80,"protocol":"TCP"}],"env":{"K":{"value":"x"}}},{"name":"b","image":"i","replicas":3}]}}"#))
    }

    @Test func validationMessagesMatchApiextensions() {
        let o = Transcript.json(#"{"metadata":{"name":"Bad_Name"},"spec":{"components":[{"name":"Bad","image":"i","replicas":-1,"ports":[{"name":"p","port":80,"protocol":"HTTP"},{"name":"p","port":70000}]},{"name":"b","image":"i","replicas":"two"},{"image":""}],"entrypoints":["a","a","b"],"ratio":1,"labels":{"a":"1","b":"2"}}}"#)
        let errs = Self.schema.validate(o)
        let text = errs.map { "\($0.field)|\($0.kind.rawValue)|\($0.value?.jsonString() ?? "-")|\($0.detail)" }
        #expect(text == [
            #"spec.components[0].name|FieldValueInvalid|"Bad"|spec.components[0].name in body should match '^[a-z]([-a-z0-9]*[a-z0-9])?$'"#,
            #"spec.components[0].ports[1]|FieldValueDuplicate|{"name":"p"}|"#,
            #"spec.components[0].ports[0].protocol|FieldValueNotSupported|"HTTP"|supported values: "TCP", "UDP", "SCTP""#,
            #"spec.components[0].ports[1].port|FieldValueInvalid|70000|spec.components[0].ports[1].port in body should be less than or equal to 65535"#,
            #"spec.components[0].replicas|FieldValueInvalid|-1|spec.components[0].replicas in body should be greater than or equal to 0"#,
            #"spec.components[1].replicas|FieldValueTypeInvalid|"string"|spec.components[1].replicas in body must be of type integer: "string""#,
            #"spec.components[2].name|FieldValueRequired|-|"#,
            #"spec.components[2].image|FieldValueInvalid|""|spec.components[2].image in body should be at least 1 chars long"#,
            #"spec.entrypoints|FieldValueTooMany|3|must have at most 2 items"#,
            #"spec.entrypoints[1]|FieldValueDuplicate|"a"|"#,
            #"spec.labels|FieldValueTooMany|2|must have at most 1 items"#,
            #"spec.ratio|FieldValueInvalid|1|spec.ratio in body should be less than 1"#,
        ])
        #expect(Self.schema.validate(Transcript.json(#"{"metadata":{"name":"ok"}}"#)).map(\.field) == ["spec"])
        let meta = Self.schema.validate(o, includeMetadata: true)
        #expect(meta.first == FieldError(.invalid, field: "metadata.name", value: "Bad_Name", detail: Transcript.subdomainMessage))
        let long = Transcript.json(#"{"spec":{"components":[{"name":"a-very-long-component-name-that-exceeds-forty","image":"i"}]}}"#)
        #expect(Self.schema.validate(long).first == FieldError(.tooLong, field: "spec.components[0].name", value: "a-very-long-component-name-that-exceeds-forty", detail: "may not be more than 40 bytes"))
    }

    @Test func validObjectAndListMapKeys() {
        var o = Transcript.json(#"{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoDeployment","metadata":{"name":"d"},"spec":{"components":[{"name":"fe","image":"i","ports":[{"name":"http","port":8000}],"resources":{"requests":{"cpu":1,"memory":"1Gi"}}}],"note":null}}"#)
        Self.schema.applyDefaults(to: &o)
        #expect(Self.schema.validate(o).isEmpty)
        #expect(Self.schema.listMapKeys(at: ["spec", "components"]) == ["name"])
        #expect(Self.schema.listMapKeys(at: ["spec", "components", "[]", "ports"]) == ["name"])
        #expect(Self.schema.listMapKeys(at: ["spec", "entrypoints"]) == nil)
    }
}

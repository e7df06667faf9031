import Testing
@testable import KubeModel

/// Projection of a live object onto one manager's field set (the form kube-apiserver records).
@Suite struct FieldsV1Tests {
    static let template: JSONValue = [
        "metadata": ["labels": ["app": "web", "team": "a"]],
        "spec": [
            "containers": [[
                "name": "main", "image": "vllm:1", "imagePullPolicy": "IfNotPresent", "args": ["--port", "8000"],
                "ports": [["containerPort": 8000, "name": "http", "protocol": "TCP"]],
                "env": [["name": "A", "value": "1"], ["name": "B", "value": "2"]],
                "terminationMessagePath": "/dev/termination-log",
            ], ["name": "sidecar", "image": "envoy"]],
            "dnsPolicy": "ClusterFirst", "finalizers": ["a", "b"], "securityContext": [:],
        ],
    ]

    static let owned: JSONValue = [
        "f:metadata": ["f:labels": ["f:app": [:]]],
        "f:spec": [
            "f:containers": [#"k:{"name":"main"}"#: [
                ".": [:], "f:name": [:], "f:image": [:], "f:args": [:],
                "f:ports": [#"k:{"containerPort":8000,"protocol":"TCP"}"#: [".": [:], "f:containerPort": [:], "f:name": [:]]],
                "f:env": [#"k:{"name":"B"}"#: [".": [:], "f:name": [:], "f:value": [:]]],
            ]],
            "f:finalizers": [#"v:"b""#: [:]],
        ],
    ]

    @Test func keepsExactlyTheNamedFieldsAndElements() throws {
        let projected = try #require(FieldsV1.project(Self.template, onto: Self.owned))
        #expect(projected == [
            "metadata": ["labels": ["app": "web"]],
            "spec": [
                "containers": [[
                    "name": "main", "image": "vllm:1", "args": ["--port", "8000"],
                    "ports": [["containerPort": 8000, "name": "http"]],
                    "env": [["name": "B", "value": "2"]],
                ]],
                "finalizers": ["b"],
            ],
        ])
    }

    @Test func aLeafKeepsItsValueWholeAndIndexesSelectByPosition() {
        #expect(FieldsV1.project(Self.template, onto: [:]) == Self.template)
        #expect(FieldsV1.project(["spec": ["securityContext": ["runAsUser": 1]]], onto: ["f:spec": ["f:securityContext": [:]]])
                == ["spec": ["securityContext": ["runAsUser": 1]]])
        #expect(FieldsV1.project(["l": ["x", "y", "z"]], onto: ["f:l": ["i:1": [:]]]) == ["l": ["y"]])
        // Numbers in keys name the same element whatever their JSON spelling.
        #expect(FieldsV1.project(["p": [["port": .double(80)]]], onto: ["f:p": [#"k:{"port":80}"#: ["f:port": [:]]]]) == ["p": [["port": .double(80)]]])
    }

    @Test func findsTheEntryOfOneManagerAndOperationOnTheMainResource() {
        let entries: [JSONValue] = [
            ["manager": "op", "operation": "Update", "fieldsV1": ["f:a": [:]]],
            ["manager": "op", "operation": "Apply", "subresource": "status", "fieldsV1": ["f:b": [:]]],
            ["manager": "op", "operation": "Apply", "fieldsV1": ["f:c": [:]]],
        ]
        #expect(FieldsV1.owned(by: "op", in: entries) == ["f:c": [:]])
        #expect(FieldsV1.owned(by: "op", operation: "Update", in: entries) == ["f:a": [:]])
        #expect(FieldsV1.owned(by: "other", in: entries) == nil)
    }
}

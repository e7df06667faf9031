import Foundation
import KubeModel
import Testing
@testable import KubeStandin

/// Replays transcripts 04, 10, 11, 12, 13 and 19 through the managed-fields rules and compares the
/// recorded fieldsV1 exactly.
@Suite struct ManagedFieldsTests {
    static let t0 = "2026-11-22T14:43:44Z"
    static let t1 = "2026-11-22T14:43:45Z"

    /// The Deployment as stored after transcript 04's create by curl.
    static func created() -> JSONValue {
        var d = Transcript.createDeploymentBody
        d[path: ["metadata", "namespace"]] = "transcripts"
        d[path: ["metadata", "uid"]] = "35cd5a67-4862-4cd7-ab30-cb46ca860d4d"
        d[path: ["metadata", "resourceVersion"]] = "267"
        d[path: ["metadata", "generation"]] = 1
        d[path: ["metadata", "creationTimestamp"]] = .string(t0)
        Defaulting.apply(to: &d, resource: .deployments)
        return ManagedFields.recordUpdate(old: nil, new: d, manager: "curl", apiVersion: "apps/v1", subresource: nil, time: t0, schema: nil)
    }

    /// The Deployment after the controller's status write (state before transcript 10's patch).
    static func withStatus() -> JSONValue {
        let old = created()
        var new = old
        new[path: ["metadata", "annotations"]] = ["deployment.kubernetes.io/revision": "1"]
        new["status"] = Transcript.deploymentStatus
        return ManagedFields.recordUpdate(old: old, new: new, manager: "kube-controller-manager", apiVersion: "apps/v1", subresource: "status", time: t0, schema: nil)
    }

    /// After transcript 10's merge patch `{"spec":{"replicas":3}}` by curl.
    static func scaled() -> JSONValue {
        let old = withStatus()
        let new = old.applyingMergePatch(["spec": ["replicas": 3]])
        return ManagedFields.recordUpdate(old: old, new: new, manager: "curl", apiVersion: "apps/v1", subresource: nil, time: t0, schema: nil)
    }

    static func entry(_ object: JSONValue, _ manager: String) -> JSONValue? {
        object[path: ["metadata", "managedFields"]]?.arrayValue?.first { $0["manager"]?.stringValue == manager }
    }

    @Test func createRecordsTranscript04Entry() {
        let d = Self.created()
        #expect(d[path: ["metadata", "managedFields"]] == [[
            "manager": "curl", "operation": "Update", "apiVersion": "apps/v1", "time": .string(Self.t0),
            "fieldsType": "FieldsV1", "fieldsV1": Transcript.curlCreateFields,
        ]])
    }

    /// Entries a write does not touch are written back as stored; a client's replacement list is
    /// re-encoded (the marker key stands for anything the server would not write itself).
    @Test func untouchedStoredEntriesAreKeptAsStoredAndClientEntriesReencoded() {
        var old = Self.created()
        var curl = Self.entry(old, "curl")!
        curl["x-marker"] = "kept"
        old[path: ["metadata", "managedFields"]] = [curl]
        var new = old
        new["status"] = Transcript.deploymentStatus
        let statusWritten = ManagedFields.recordUpdate(old: old, new: new, manager: "kube-controller-manager", apiVersion: "apps/v1",
                                                       subresource: "status", time: Self.t1, schema: nil)
        #expect(Self.entry(statusWritten, "curl")?["x-marker"] == "kept", "the status write owns nothing of curl's")
        #expect(Self.entry(statusWritten, "kube-controller-manager")?[path: ["fieldsV1", "f:status"]] != nil)

        let scaled = ManagedFields.recordUpdate(old: statusWritten, new: statusWritten.applyingMergePatch(["spec": ["replicas": 3]]),
                                                manager: "other", apiVersion: "apps/v1", subresource: nil, time: Self.t1, schema: nil)
        #expect(Self.entry(scaled, "curl")?["x-marker"] == nil, "curl lost spec.replicas: its entry is written anew")

        var replacing = old
        replacing[path: ["metadata", "managedFields"]] = [curl, Self.entry(statusWritten, "kube-controller-manager")!]
        let replaced = ManagedFields.recordUpdate(old: old, new: replacing, manager: "curl", apiVersion: "apps/v1",
                                                  subresource: nil, time: Self.t1, schema: nil)
        #expect(Self.entry(replaced, "curl")?["x-marker"] == nil, "a client's managedFields are re-encoded")
    }

    @Test func statusWriteAndMergePatchMatchTranscript10() {
        let d = Self.scaled()
        let entries = d[path: ["metadata", "managedFields"]]?.arrayValue ?? []
        #expect(entries.map { $0["manager"] } == ["curl", "kube-controller-manager"])
        #expect(Self.entry(d, "curl")?["fieldsV1"] == Transcript.curlCreateFields)
        #expect(Self.entry(d, "kube-controller-manager")?["fieldsV1"] == Transcript.kcmStatusFields)
        #expect(Self.entry(d, "kube-controller-manager")?["subresource"] == "status")
        #expect(d[path: ["spec", "replicas"]] == 3)
    }

    @Test func forcedApplyMatchesTranscript11() throws {
        let live = Self.scaled()
        var out = try ManagedFields.apply(config: Transcript.applyBody, to: live, manager: "dynamo-operator", apiVersion: "apps/v1",
                                          force: true, subresource: nil, time: Self.t0, schema: nil)
        Defaulting.apply(to: &out, resource: .deployments)
        let entries = out[path: ["metadata", "managedFields"]]?.arrayValue ?? []
        #expect(entries.map { $0["manager"] } == ["dynamo-operator", "curl", "kube-controller-manager"])
        #expect(entries.first?["operation"] == "Apply")
        #expect(entries.first?["fieldsV1"] == Transcript.applyFields)
        #expect(Self.entry(out, "curl")?["fieldsV1"] == Transcript.curlAfterApplyFields)
        #expect(Self.entry(out, "kube-controller-manager")?["fieldsV1"] == Transcript.kcmStatusFields)
        #expect(out[path: ["spec", "replicas"]] == 2)
        #expect(out[path: ["spec", "template", "spec", "containers"]] == Transcript.json(#"[{"name":"main","image":"nginx:1.28","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}]"#))
    }

    @Test func applyWithoutForceConflictsAsTranscript12() throws {
        let applied = try ManagedFields.apply(config: Transcript.applyBody, to: Self.scaled(), manager: "dynamo-operator", apiVersion: "apps/v1",
                                              force: true, subresource: nil, time: Self.t0, schema: nil)
        #expect(throws: ApplyConflict(conflicts: [.init(manager: "dynamo-operator", field: ".spec.replicas")])) {
            try ManagedFields.apply(config: Transcript.conflictingApplyBody, to: applied, manager: "someone-else", apiVersion: "apps/v1",
                                    force: false, subresource: nil, time: Self.t1, schema: nil)
        }
        // Without force against the original owner, both taken fields conflict, in path order.
        #expect(throws: ApplyConflict(conflicts: [
            .init(manager: "curl", field: ".spec.replicas"),
            .init(manager: "curl", field: #".spec.template.spec.containers[name="main"].image"#),
        ])) {
            try ManagedFields.apply(config: Transcript.applyBody, to: Self.scaled(), manager: "dynamo-operator", apiVersion: "apps/v1",
                                    force: false, subresource: nil, time: Self.t0, schema: nil)
        }
        // Applying the value already there is no conflict: ownership is shared.
        let same = try ManagedFields.apply(config: Transcript.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2}}"#),
                                           to: applied, manager: "someone-else", apiVersion: "apps/v1", force: false, subresource: nil, time: Self.t1, schema: nil)
        #expect(Self.entry(same, "dynamo-operator")?["fieldsV1"] == Transcript.applyFields)
        #expect(Self.entry(same, "someone-else")?["fieldsV1"] == Transcript.json(#"{"f:spec":{"f:replicas":{}}}"#))
    }

    @Test func applyCreateMatchesTranscript13() throws {
        var out = try ManagedFields.apply(config: Transcript.applyCreateBody, to: nil, manager: "dynamo-operator", apiVersion: "apps/v1",
                                          force: true, subresource: nil, time: Self.t1, schema: nil)
        Defaulting.apply(to: &out, resource: .deployments)
        #expect(out[path: ["metadata", "managedFields"]] == [[
            "manager": "dynamo-operator", "operation": "Apply", "apiVersion": "apps/v1", "time": .string(Self.t1),
            "fieldsType": "FieldsV1", "fieldsV1": Transcript.applyCreateFields,
        ]])
        #expect(out["spec"] == Transcript.createdDeploymentSpec)
    }

    @Test func applyDoesNotOwnFieldsTheEndpointResets() throws {
        var config = Transcript.applyCreateBody
        config["status"] = ["replicas": 1]
        let out = try ManagedFields.apply(config: config, to: nil, manager: "op", apiVersion: "apps/v1", force: false, subresource: nil, time: Self.t0, schema: nil)
        #expect(ManagedFields.entries(of: out).first?.fields.fieldsV1 == Transcript.applyCreateFields)
        let status = try ManagedFields.apply(config: Transcript.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web2"},"spec":{"replicas":9},"status":{"replicas":1}}"#),
                                             to: out, manager: "ctl", apiVersion: "apps/v1", force: false, subresource: "status", time: Self.t1, schema: nil)
        let entry = ManagedFields.entries(of: status).first { $0.manager == "ctl" }
        #expect(entry?.subresource == "status" && entry?.fields.fieldsV1 == Transcript.json(#"{"f:status":{"f:replicas":{}}}"#))
    }

    @Test func leaseCreateMatchesTranscript19() {
        let out = ManagedFields.recordUpdate(old: nil, new: Transcript.leaseBody, manager: "curl", apiVersion: "coordination.k8s.io/v1",
                                             subresource: nil, time: Self.t0, schema: nil)
        #expect(ManagedFields.entries(of: out).map(\.fields.fieldsV1) == [Transcript.leaseFields])
    }

    @Test func reapplyWithoutAFieldRemovesItUnlessOthersOwnIt() throws {
        let base = Transcript.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1","b":"2"}},"data":{"x":"1","y":"2"}}"#)
        let first = try ManagedFields.apply(config: base, to: nil, manager: "op", apiVersion: "v1", force: false, subresource: nil, time: Self.t0, schema: nil)
        // Another manager also sets data.y to the same value: shared ownership.
        let shared = ManagedFields.recordUpdate(old: first, new: first.applyingMergePatch(["data": ["z": "3"]]), manager: "kubectl",
                                                apiVersion: "v1", subresource: nil, time: Self.t1, schema: nil)
        let sharedY = try ManagedFields.apply(config: Transcript.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"y":"2"}}"#),
                                              to: shared, manager: "other", apiVersion: "v1", force: false, subresource: nil, time: Self.t1, schema: nil)
        let second = try ManagedFields.apply(config: Transcript.json(#"{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1"}},"data":{"x":"1"}}"#),
                                             to: sharedY, manager: "op", apiVersion: "v1", force: false, subresource: nil, time: Self.t1, schema: nil)
        #expect(second["data"] == ["x": "1", "y": "2", "z": "3"])
        #expect(second[path: ["metadata", "labels"]] == ["a": "1"])
        #expect(Self.entry(second, "op")?["fieldsV1"] == Transcript.json(#"{"f:data":{"f:x":{}},"f:metadata":{"f:labels":{"f:a":{}}}}"#))
        #expect(Self.entry(second, "kubectl")?["fieldsV1"] == Transcript.json(#"{"f:data":{"f:z":{}}}"#))
    }

    @Test func listMapsMergeByKeyAndItemsAreRemovedWhenNoLongerApplied() throws {
        let two = Transcript.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},"spec":{"template":{"spec":{"containers":[{"name":"a","image":"a:1"},{"name":"b","image":"b:1"}]}}}}"#)
        let first = try ManagedFields.apply(config: two, to: nil, manager: "op", apiVersion: "apps/v1", force: false, subresource: nil, time: Self.t0, schema: nil)
        let added = ManagedFields.recordUpdate(old: first, new: first.applyingMergePatch(["spec": ["paused": true]]), manager: "kubectl", apiVersion: "apps/v1", subresource: nil, time: Self.t0, schema: nil)
        let onlyB = Transcript.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"w"},"spec":{"template":{"spec":{"containers":[{"name":"b","image":"b:2"},{"name":"c","image":"c:1"}]}}}}"#)
        let out = try ManagedFields.apply(config: onlyB, to: added, manager: "op", apiVersion: "apps/v1", force: false, subresource: nil, time: Self.t1, schema: nil)
        #expect(out[path: ["spec", "template", "spec", "containers"]] == Transcript.json(#"[{"name":"b","image":"b:2"},{"name":"c","image":"c:1"}]"#))
        #expect(out[path: ["spec", "paused"]] == true)
        #expect(ManagedFields.entries(of: out).first { $0.manager == "op" }?.time == Self.t1)
    }

    @Test func fieldSetRoundTripsAndRendersPaths() {
        let set = FieldSet(fieldsV1: Transcript.curlCreateFields)
        #expect(set.fieldsV1 == Transcript.curlCreateFields)
        #expect(FieldSet.render(["f:spec", "f:template", "f:spec", "f:containers", #"k:{"name":"main"}"#, "f:ports", #"k:{"containerPort":80,"protocol":"TCP"}"#])
            == #".spec.template.spec.containers[name="main"].ports[containerPort=80,protocol="TCP"]"#)
        #expect(FieldSet.render(["f:metadata", "f:finalizers", #"v:"a""#]) == #".metadata.finalizers[="a"]"#)
        #expect(set.subtracting(set).isEmpty && set.intersection(set) == set)
    }

    @Test func finalizersAreASetAndCustomResourcesUseTheirSchema() throws {
        let schema = StructuralSchema(openAPIV3Schema: Transcript.json(#"{"type":"object","properties":{"spec":{"type":"object","properties":{"components":{"type":"array","x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"],"items":{"type":"object","properties":{"name":{"type":"string"},"replicas":{"type":"integer"}}}},"envs":{"type":"object","additionalProperties":{"type":"object","properties":{"v":{"type":"string"}}}},"args":{"type":"array","items":{"type":"string"}}}}}}"#))
        let cr = Transcript.json(#"{"apiVersion":"nvidia.com/v1alpha1","kind":"DynamoDeployment","metadata":{"name":"d","finalizers":["x"]},"spec":{"components":[{"name":"fe","replicas":1}],"envs":{"fe":{"v":"1"}},"args":["a"]}}"#)
        let out = try ManagedFields.apply(config: cr, to: nil, manager: "op", apiVersion: "nvidia.com/v1alpha1", force: false, subresource: nil, time: Self.t0, schema: schema)
        #expect(ManagedFields.entries(of: out).first?.fields.fieldsV1 == Transcript.json(#"{"f:metadata":{"f:finalizers":{"v:\"x\"":{}}},"f:spec":{"f:args":{},"f:components":{"k:{\"name\":\"fe\"}":{".":{},"f:name":{},"f:replicas":{}}},"f:envs":{"f:fe":{".":{},"f:v":{}}}}}"#))
        let created = ManagedFields.recordUpdate(old: nil, new: cr, manager: "curl", apiVersion: "nvidia.com/v1alpha1", subresource: nil, time: Self.t0, schema: schema)
        #expect(ManagedFields.entries(of: created).first?.fields.fieldsV1 == Transcript.json(#"{"f:metadata":{"f:finalizers":{".":{},"v:\"x\"":{}}},"f:spec":{".":{},"f:args":{},"f:components":{".":{},"k:{\"name\":\"fe\"}":{".":{},"f:name":{},"f:replicas":{}}},"f:envs":{".":{},"f:fe":{".":{},"f:v":{}}}}}"#))
        #expect(schema.listMapKeys(at: ["spec", "components"]) == ["name"])
        #expect(schema.listMapKeys(at: ["spec", "args"]) == nil)
    }
}

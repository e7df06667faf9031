import Foundation
import KubeModel
import Testing
@testable import KubeStandin

@Suite struct JSONPatchTests {
    @Test func rfc6902OperationsInOrder() throws {
        let doc = Transcript.json(#"{"a/b":{"c~d":1},"list":[1,2],"keep":true}"#)
        let ops = Transcript.json(#"[{"op":"replace","path":"/a~1b/c~0d","value":2},{"op":"add","path":"/list/-","value":3},{"op":"add","path":"/list/0","value":0},{"op":"remove","path":"/keep"},{"op":"copy","from":"/list","path":"/copy"},{"op":"move","from":"/copy/1","path":"/moved"},{"op":"test","path":"/moved","value":1.0}]"#)
        let out = try JSONPatch.apply(ops, to: doc)
        #expect(out == Transcript.json(#"{"a/b":{"c~d":2},"list":[0,1,2,3],"copy":[0,2,3],"moved":1}"#))
    }

    @Test func failuresCarryTheLibraryWording() {
        let doc = Transcript.json(#"{"spec":{"replicas":1}}"#)
        #expect(throws: PatchError("testing value /spec/replicas failed: test failed")) {
            try JSONPatch.apply(Transcript.json(#"[{"op":"test","path":"/spec/replicas","value":2}]"#), to: doc)
        }
        #expect(throws: PatchError("replace operation does not apply: doc is missing key: /spec/x: missing value")) {
            try JSONPatch.apply(Transcript.json(#"[{"op":"replace","path":"/spec/x","value":2}]"#), to: doc)
        }
        #expect(throws: PatchError.self) {
            try JSONPatch.apply(Transcript.json(#"[{"op":"add","path":"/nope/x","value":2}]"#), to: doc)
        }
        #expect(throws: PatchError.self) {
            try JSONPatch.apply(Transcript.json(#"[{"op":"remove","path":"/spec/list/0"}]"#), to: doc)
        }
    }
}

@Suite struct DefaultingTests {
    @Test func deploymentMatchesTranscript04() {
        var d = Transcript.createDeploymentBody
        Defaulting.apply(to: &d, resource: .deployments)
        #expect(d["spec"] == Transcript.createdDeploymentSpec)
        #expect(d["status"] == .object([:]))
        var again = d
        Defaulting.apply(to: &again, resource: .deployments)
        #expect(again == d)
    }

    @Test func imagePullPolicyFollowsTheTag() {
        #expect(Defaulting.imagePullPolicy(for: "nginx") == "Always")
        #expect(Defaulting.imagePullPolicy(for: "nginx:latest") == "Always")
        #expect(Defaulting.imagePullPolicy(for: "localhost:5000/nginx") == "Always")
        #expect(Defaulting.imagePullPolicy(for: "localhost:5000/nginx:1.2") == "IfNotPresent")
        #expect(Defaulting.imagePullPolicy(for: "nginx@sha256:abc") == "IfNotPresent")
    }

    @Test func serviceGetsTypePortsAndAStableClusterIP() {
        var s = Transcript.json(#"{"metadata":{"name":"web","namespace":"ns"},"spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}"#)
        Defaulting.apply(to: &s, resource: .services)
        #expect(s[path: ["spec", "type"]] == "ClusterIP")
        #expect(s[path: ["spec", "sessionAffinity"]] == "None")
        #expect(s[path: ["spec", "ports"]] == Transcript.json(#"[{"port":80,"protocol":"TCP","targetPort":80}]"#))
        let ip = s[path: ["spec", "clusterIP"]]?.stringValue ?? ""
        #expect(ip.hasPrefix("10.") && s[path: ["spec", "clusterIPs"]] == [.string(ip)])
        let octets = ip.split(separator: ".").compactMap { Int($0) }
        #expect(octets.count == 4 && octets[1] >= 96 && octets[1] < 112)
        #expect(s[path: ["spec", "ipFamilies"]] == ["IPv4"] && s[path: ["spec", "ipFamilyPolicy"]] == "SingleStack")
        #expect(s[path: ["spec", "internalTrafficPolicy"]] == "Cluster")
        #expect(s["status"] == Transcript.json(#"{"loadBalancer":{}}"#))
        var other = Transcript.json(#"{"metadata":{"name":"api","namespace":"ns"},"spec":{"ports":[{"port":80}]}}"#)
        Defaulting.apply(to: &other, resource: .services)
        #expect(other[path: ["spec", "clusterIP"]] != s[path: ["spec", "clusterIP"]])
    }

    @Test func otherKinds() {
        var ns = Transcript.json(#"{"metadata":{"name":"x"}}"#)
        Defaulting.apply(to: &ns, resource: .namespaces)
        #expect(ns == Transcript.json(#"{"metadata":{"name":"x"},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}"#))
        var secret = Transcript.json(#"{"metadata":{"name":"x"}}"#)
        Defaulting.apply(to: &secret, resource: .secrets)
        #expect(secret["type"] == "Opaque")
        var hpa = Transcript.json(#"{"spec":{"maxReplicas":3,"behavior":{"scaleDown":{"stabilizationWindowSeconds":60}}}}"#)
        Defaulting.apply(to: &hpa, resource: .horizontalPodAutoscalers)
        #expect(hpa[path: ["spec", "minReplicas"]] == 1)
        #expect(hpa[path: ["spec", "behavior", "scaleDown", "stabilizationWindowSeconds"]] == 60)
        #expect(hpa[path: ["spec", "behavior", "scaleUp", "selectPolicy"]] == "Max")
        var lease = Transcript.leaseBody
        Defaulting.apply(to: &lease, resource: .leases)
        #expect(lease == Transcript.leaseBody)
    }
}

@Suite struct BuiltinValidationTests {
    @Test func invalidDeploymentGivesTranscript08Causes() {
        let body = Transcript.json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"Bad_Name"},"spec":{"selector":{"matchLabels":{"a":"b"}},"template":{"metadata":{"labels":{"a":"c"}},"spec":{"containers":[]}}}}"#)
        var d = body
        Defaulting.apply(to: &d, resource: .deployments)
        let errs = BuiltinValidation.validate(d, resource: .deployments, operation: .create, old: nil)
        #expect(errs == [
            FieldError(.invalid, field: "metadata.name", value: "Bad_Name", detail: Transcript.subdomainMessage),
            FieldError(.invalid, field: "spec.template.metadata.labels", value: ["a": "c"], detail: "`selector` does not match template `labels`"),
            FieldError(.required, field: "spec.template.spec.containers"),
        ])
    }

    @Test func validDeploymentPassesAndSelectorIsImmutable() {
        var d = Transcript.createDeploymentBody
        Defaulting.apply(to: &d, resource: .deployments)
        #expect(BuiltinValidation.validate(d, resource: .deployments, operation: .create, old: nil).isEmpty)
        var changed = d
        changed[path: ["spec", "selector"]] = ["matchLabels": ["app": "web"], "matchExpressions": []]
        changed[path: ["spec", "selector", "matchLabels", "tier"]] = "x"
        changed[path: ["spec", "template", "metadata", "labels", "tier"]] = "x"
        let errs = BuiltinValidation.validate(changed, resource: .deployments, operation: .update, old: d)
        #expect(errs.map(\.field) == ["spec.selector"] && errs.first?.detail == "field is immutable")
    }

    @Test func containerRules() {
        var d = Transcript.createDeploymentBody
        d[path: ["spec", "template", "spec", "containers"]] = Transcript.json(#"[{"name":"main","image":"x","ports":[{"containerPort":0}]},{"name":"main"},{"image":"y"}]"#)
        let errs = BuiltinValidation.validate(d, resource: .deployments, operation: .create, old: nil)
        #expect(errs.map(\.field) == [
            "spec.template.spec.containers[0].ports[0].containerPort",
            "spec.template.spec.containers[1].name", "spec.template.spec.containers[1].image",
            "spec.template.spec.containers[2].name",
        ])
        #expect(errs.map(\.kind) == [.invalid, .duplicate, .required, .required])
        #expect(errs.first?.detail == "must be between 1 and 65535, inclusive")
    }

    @Test func eventGenerateNameAsTranscript20() {
        let errs = BuiltinValidation.validate(Transcript.eventBody, resource: .events, operation: .create, old: nil)
        #expect(errs == [FieldError(.invalid, field: "metadata.generateName", value: "web.", detail: Transcript.subdomainMessage)])
    }

    @Test func namesPerKindAndLabels() {
        let svc = Transcript.json(#"{"metadata":{"name":"1web","labels":{"bad key!":"ok","good":"bad value!"}},"spec":{"ports":[{"name":"http","port":80},{"name":"http","port":70000}]}}"#)
        let errs = BuiltinValidation.validate(svc, resource: .services, operation: .create, old: nil)
        #expect(errs.map(\.field) == ["metadata.name", "metadata.labels", "metadata.labels", "spec.ports[1].name", "spec.ports[1].port"])
        #expect(errs[0].detail.hasPrefix("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character"))
        #expect(errs[1].value == "bad key!" && errs[2].value == "bad value!")
        #expect(errs[3].kind == .duplicate)
        #expect(NameValidation.dns1123Label("Main") == ["a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"])
        #expect(NameValidation.subdomainName("web-", true).isEmpty)
        let lease = BuiltinValidation.validate(Transcript.leaseBody, resource: .leases, operation: .create, old: nil)
        #expect(lease.isEmpty)
    }
}

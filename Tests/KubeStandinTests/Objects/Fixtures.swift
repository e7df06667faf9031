import Foundation
import KubeModel

/// Request bodies and recorded answers from /work/shared/k8s-api-transcripts (kube-apiserver v1.36).
enum Transcript {
    static func json(_ text: String) -> JSONValue {
        // Force-unwrap: a malformed fixture is a bug in the test itself.
        try! JSONValue(data: Data(text.utf8))
    }

    /// 04: the create request body.
    static let createDeploymentBody = json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}}}"#)

    /// 04: the spec the server answered (defaults filled).
    static let createdDeploymentSpec = json(#"{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"nginx:1.27","ports":[{"containerPort":80,"protocol":"TCP"}],"resources":{},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent"}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","securityContext":{},"schedulerName":"default-scheduler"}},"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxUnavailable":"25%","maxSurge":"25%"}},"revisionHistoryLimit":10,"progressDeadlineSeconds":600}"#)

    /// 04: curl's Update entry after the create.
    static let curlCreateFields = json(#"{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:replicas":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"main\"}":{".":{},"f:image":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}"#)

    /// 10: kube-controller-manager's status entry present before the merge patch.
    static let kcmStatusFields = json(#"{"f:metadata":{"f:annotations":{".":{},"f:deployment.kubernetes.io/revision":{}}},"f:status":{"f:conditions":{".":{},"k:{\"type\":\"Available\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}},"k:{\"type\":\"Progressing\"}":{".":{},"f:lastTransitionTime":{},"f:lastUpdateTime":{},"f:message":{},"f:reason":{},"f:status":{},"f:type":{}}},"f:observedGeneration":{},"f:replicas":{},"f:terminatingReplicas":{},"f:unavailableReplicas":{},"f:updatedReplicas":{}}}"#)

    /// 10: the status the controller wrote.
    static let deploymentStatus = json(#"{"observedGeneration":1,"replicas":1,"updatedReplicas":1,"unavailableReplicas":1,"terminatingReplicas":0,"conditions":[{"type":"Available","status":"False","lastUpdateTime":"2026-11-22T14:43:44Z","lastTransitionTime":"2026-11-22T14:43:44Z","reason":"MinimumReplicasUnavailable","message":"Deployment does not have minimum availability."},{"type":"Progressing","status":"True","lastUpdateTime":"2026-11-22T14:43:44Z","lastTransitionTime":"2026-11-22T14:43:44Z","reason":"ReplicaSetUpdated","message":"ReplicaSet \"web-84cdc6fbf4\" is progressing."}]}"#)

    /// 11: the apply body (force, manager dynamo-operator).
    static let applyBody = json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"nginx:1.28"}]}}}}"#)

    /// 11: the Apply entry.
    static let applyFields = json(#"{"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"main\"}":{".":{},"f:image":{},"f:name":{}}}}}}}"#)

    /// 11: curl's entry after the forced apply (replicas and image taken over).
    static let curlAfterApplyFields = json(#"{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:progressDeadlineSeconds":{},"f:revisionHistoryLimit":{},"f:selector":{},"f:strategy":{"f:rollingUpdate":{".":{},"f:maxSurge":{},"f:maxUnavailable":{}},"f:type":{}},"f:template":{"f:metadata":{"f:labels":{".":{},"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"main\"}":{".":{},"f:imagePullPolicy":{},"f:name":{},"f:ports":{".":{},"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{},"f:protocol":{}}},"f:resources":{},"f:terminationMessagePath":{},"f:terminationMessagePolicy":{}}},"f:dnsPolicy":{},"f:restartPolicy":{},"f:schedulerName":{},"f:securityContext":{},"f:terminationGracePeriodSeconds":{}}}}}"#)

    /// 12: the conflicting apply body (manager someone-else, no force).
    static let conflictingApplyBody = json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},"spec":{"replicas":5}}"#)

    /// 13: apply creating web2, and its Apply entry.
    static let applyCreateBody = json(#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web2","labels":{"app":"web"}},"spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"main","image":"nginx:1.27","ports":[{"containerPort":80}]}]}}}}"#)
    static let applyCreateFields = json(#"{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:selector":{},"f:template":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:containers":{"k:{\"name\":\"main\"}":{".":{},"f:image":{},"f:name":{},"f:ports":{"k:{\"containerPort\":80,\"protocol\":\"TCP\"}":{".":{},"f:containerPort":{}}}}}}}}}"#)

    /// 19: the Lease create body and curl's entry.
    static let leaseBody = json(#"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"dynamo-operator-leader"},"spec":{"holderIdentity":"pod-a_1234","leaseDurationSeconds":15,"acquireTime":"2026-01-01T00:00:00.000000Z","renewTime":"2026-01-01T00:00:00.000000Z","leaseTransitions":0}}"#)
    static let leaseFields = json(#"{"f:spec":{"f:acquireTime":{},"f:holderIdentity":{},"f:leaseDurationSeconds":{},"f:leaseTransitions":{},"f:renewTime":{}}}"#)

    /// 20: the Event body whose generateName is invalid.
    static let eventBody = json(#"{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{"generateName":"web.","name":"web.c59tw"},"eventTime":"2026-01-01T00:00:00.000000Z","reportingController":"nvidia.com/dynamo-operator","reportingInstance":"pod-a","action":"Reconcile","reason":"Created","note":"created Deployment web","type":"Normal","regarding":{"apiVersion":"apps/v1","kind":"Deployment","namespace":"transcripts","name":"web"}}"#)

    static let subdomainMessage = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
}

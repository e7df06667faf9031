import Foundation
import Testing
import KubeModel
@testable import DynamoController

@Suite struct OwnedFieldsTests {
    let desired: JSONValue = [
        "metadata": ["labels": ["app": "web"]],
        "spec": [
            "replicas": 2,
            "template": ["spec": ["containers": [
                ["name": "main", "image": "nginx:1.28", "args": ["--a", "--b"],
                 "env": [["name": "A", "value": "1"]], "ports": [["containerPort": 80, "protocol": "TCP"]]],
            ]]],
        ],
    ]

    var live: JSONValue {
        var l = desired
        // Server defaults and other managers' fields are not drift.
        l[path: ["metadata", "annotations"]] = ["kubectl.kubernetes.io/restartedAt": "now"]
        l[path: ["spec", "progressDeadlineSeconds"]] = 600
        var c = l[path: ["spec", "template", "spec", "containers"]]!.arrayValue![0]
        c["imagePullPolicy"] = "IfNotPresent"
        c["env"] = [["name": "B", "value": "x"], ["name": "A", "value": "1"]]
        l[path: ["spec", "template", "spec", "containers"]] = [["name": "istio-proxy", "image": "proxy"], c]
        return l
    }

    @Test func extraLiveFieldsAreNotDrift() {
        #expect(OwnedFields.satisfies(live: live, desired: desired))
        #expect(OwnedFields.firstDrift(live: live, desired: desired) == nil)
    }

    @Test func handEditsToOwnedFieldsAreDrift() {
        var edited = live
        var containers = edited[path: ["spec", "template", "spec", "containers"]]!.arrayValue!
        containers[1]["image"] = "nginx:hacked"
        edited[path: ["spec", "template", "spec", "containers"]] = .array(containers)
        #expect(!OwnedFields.satisfies(live: edited, desired: desired))
        #expect(OwnedFields.firstDrift(live: edited, desired: desired) == ".spec.template.spec.containers")

        var scaled = live
        scaled[path: ["spec", "replicas"]] = 5
        #expect(OwnedFields.firstDrift(live: scaled, desired: desired) == ".spec.replicas")
    }

    @Test func atomicListsCompareWhole() {
        var reordered = live
        var containers = reordered[path: ["spec", "template", "spec", "containers"]]!.arrayValue!
        containers[1]["args"] = ["--b", "--a"]
        reordered[path: ["spec", "template", "spec", "containers"]] = .array(containers)
        #expect(!OwnedFields.satisfies(live: reordered, desired: desired))
    }

    @Test func missingObjectIsDrift() {
        #expect(!OwnedFields.satisfies(live: nil, desired: desired))
        #expect(OwnedFields.satisfies(live: ["n": 3.0], desired: ["n": 3]))
    }

    @Test func specHashIsStableAndIgnoresItself() {
        let stamped = SpecHash.stamped(desired)
        let again = SpecHash.stamped(stamped)
        #expect(stamped == again)
        #expect(stamped[path: ["metadata", "annotations", SpecHash.annotation]]?.stringValue == SpecHash.of(desired))
        var changed = desired
        changed[path: ["spec", "replicas"]] = 3
        #expect(SpecHash.of(changed) != SpecHash.of(desired))
        // A removed field changes the stamp, so the live object (stamped with the old one) drifts.
        #expect(!OwnedFields.satisfies(live: stamped, desired: SpecHash.stamped(changed)))
    }
}

@Suite struct ReadinessTests {
    func deployment(generation: Int64, observed: Int64, replicas: Int, updated: Int, available: Int, specReplicas: Int = 2) -> Deployment {
        Deployment(
            metadata: ObjectMeta(name: "d", generation: generation),
            spec: DeploymentSpec(replicas: specReplicas),
            status: DeploymentStatus(observedGeneration: observed, replicas: replicas, updatedReplicas: updated, readyReplicas: available, availableReplicas: available))
    }

    @Test func readyOnlyWhenEveryPodIsUpdatedAndAvailable() {
        #expect(RolloutState(deployment: deployment(generation: 2, observed: 2, replicas: 2, updated: 2, available: 2), desiredReplicas: 2).isReady)
        // Mid-rollout: old pods keep availability at 2 while the new ones start.
        #expect(!RolloutState(deployment: deployment(generation: 2, observed: 2, replicas: 4, updated: 2, available: 2), desiredReplicas: 2).isReady)
        // Controller has not seen the new spec yet.
        #expect(!RolloutState(deployment: deployment(generation: 3, observed: 2, replicas: 2, updated: 2, available: 2), desiredReplicas: 2).isReady)
        #expect(!RolloutState(deployment: deployment(generation: 1, observed: 1, replicas: 2, updated: 2, available: 1), desiredReplicas: 2).isReady)
    }

    @Test func zeroReplicasIsReadyOnceObserved() {
        #expect(RolloutState(deployment: deployment(generation: 1, observed: 1, replicas: 0, updated: 0, available: 0, specReplicas: 0), desiredReplicas: 0).isReady)
        #expect(!RolloutState(deployment: deployment(generation: 2, observed: 1, replicas: 0, updated: 0, available: 0, specReplicas: 0), desiredReplicas: 0).isReady)
    }
}

@Suite struct ConditionsTests {
    @Test func transitionTimeMovesOnlyOnStatusChange() {
        var cs: [Condition] = []
        let t0 = Date(timeIntervalSince1970: 1_000_000)
        Conditions.set(&cs, type: "Ready", status: false, reason: "Waiting", message: "a", observedGeneration: 1, now: t0)
        Conditions.set(&cs, type: "Ready", status: false, reason: "Progressing", message: "b", observedGeneration: 2, now: t0.addingTimeInterval(60))
        #expect(cs.count == 1)
        #expect(cs[0].lastTransitionTime == KubeTime.format(t0))
        #expect(cs[0].reason == "Progressing" && cs[0].observedGeneration == 2)
        Conditions.set(&cs, type: "Ready", status: true, reason: "AllReady", message: "c", observedGeneration: 2, now: t0.addingTimeInterval(120))
        #expect(cs[0].lastTransitionTime == KubeTime.format(t0.addingTimeInterval(120)))
        #expect(Conditions.isTrue(cs, "Ready"))
    }

    /// The fingerprint is FNV-1a over the compact key-sorted text, fixed across versions: a new
    /// operator release must not see every child it ever stamped as drifted.
    @Test func specHashValueIsPinned() {
        let service: JSONValue = ["kind": "Service", "metadata": ["name": "llm-frontend"], "spec": ["ports": [["port": 8000, "name": "http"]]]]
        #expect(SpecHash.of(service) == "ad90fa7e3fa4e465")
    }
}

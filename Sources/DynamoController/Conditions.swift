import Foundation
import KubeModel

/// `metav1.Condition` bookkeeping with the API conventions' transition rule.
///
/// Guarantee: `lastTransitionTime` changes only when a condition's `status` changes; a new
/// reason, message or observedGeneration alone keeps the old time.
public enum Conditions {
    public static func set(
        _ conditions: inout [Condition], type: String, status: Bool, reason: String, message: String,
        observedGeneration: Int64?, now: Date
    ) {
        let text = status ? "True" : "False"
        if let i = conditions.firstIndex(where: { $0.type == type }) {
            var c = conditions[i]
            if c.status != text { c.lastTransitionTime = KubeTime.format(now) }
            c.status = text
            c.reason = reason
            c.message = message
            c.observedGeneration = observedGeneration
            conditions[i] = c
        } else {
            conditions.append(Condition(type: type, status: text, observedGeneration: observedGeneration, lastTransitionTime: KubeTime.format(now), reason: reason, message: message))
        }
    }

    public static func isTrue(_ conditions: [Condition]?, _ type: String) -> Bool {
        conditions?.first { $0.type == type }?.status == "True"
    }
}

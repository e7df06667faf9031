import Foundation
import Synchronization

/// A "this user may not do that" rule, for tests of a missing RBAC permission.
public struct ForbidRule: Sendable, Equatable {
    /// The user the rule applies to; nil for every user.
    public var user: String?
    /// Kubernetes verb (`get`, `list`, `watch`, `create`, `update`, `patch`, `delete`); nil for all.
    public var verb: String?
    /// `deployments.apps`, `pods` (core group), `dynamodeployments.nvidia.com`.
    public var groupResource: String

    public init(user: String?, verb: String?, groupResource: String) {
        self.user = user
        self.verb = verb
        self.groupResource = groupResource
    }
}

/// The authorization rules of a `StandinServer`: everything is allowed except what a
/// `ForbidRule` names.
///
/// Guarantees: thread-safe; a forbidden request gets the 403 `Status` a real kube-apiserver
/// sends, word for word (cluster-scope, namespaced and named forms; `in API group ""` for the
/// core group; `details.group` omitted for the core group; `details.name` when a name is
/// addressed; a subresource is named `resource/subresource`).
final class AccessRules: Sendable {
    let rules = Mutex<[ForbidRule]>([])

    func add(_ rule: ForbidRule) { rules.withLock { $0.append(rule) } }
    func clear() { rules.withLock { $0.removeAll() } }

    /// The 403 to answer instead of serving `request`, or nil when it is allowed.
    func check(_ request: StandinRequest, user: String?) -> StandinResponse? {
        guard let target = ResourcePath(request.path) else { return nil }
        let verb = request.verb
        let denied = rules.withLock { rules in
            rules.contains { r in
                (r.user == nil || r.user == user) && (r.verb == nil || r.verb == verb) && r.groupResource == target.groupResource
            }
        }
        guard denied else { return nil }
        return Self.forbidden(target: target, verb: verb, user: user ?? "system:anonymous")
    }

    static func forbidden(target: ResourcePath, verb: String, user: String) -> StandinResponse {
        let subject = target.name.map { "\(target.groupResource) \"\($0)\"" } ?? target.groupResource
        let resource = target.subresource.map { "\(target.resource)/\($0)" } ?? target.resource
        let scope = target.namespace.map { "in the namespace \"\($0)\"" } ?? "at the cluster scope"
        let message = "\(subject) is forbidden: User \"\(user)\" cannot \(verb) resource \"\(resource)\" in API group \"\(target.group)\" \(scope)"
        var details = ""
        if let name = target.name { details += "\"name\":\(JSONText.quote(name))," }
        if !target.group.isEmpty { details += "\"group\":\(JSONText.quote(target.group))," }
        details += "\"kind\":\(JSONText.quote(target.resource))"
        let body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\(JSONText.quote(message)),\"reason\":\"Forbidden\",\"details\":{\(details)},\"code\":403}"
        return .full(status: 403, headers: [("Content-Type", "application/json")], body: Data(body.utf8))
    }
}

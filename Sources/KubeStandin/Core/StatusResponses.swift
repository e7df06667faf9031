import Foundation
import KubeModel

/// `metav1.Status` answers, worded as kube-apiserver words them (see the recorded transcripts).
enum StatusResponses {
    static let jsonHeaders: [(String, String)] = [("content-type", "application/json")]

    static func body(_ status: APIStatus) -> Data {
        JSONWire.encode(statusJSON(status))
    }

    /// The Status as JSON, keeping `metadata: {}` and omitting absent fields like the real server.
    static func statusJSON(_ status: APIStatus) -> JSONValue {
        var o: [String: JSONValue] = ["kind": "Status", "apiVersion": "v1", "metadata": .object([:])]
        if let s = status.status { o["status"] = .string(s) }
        if let m = status.message { o["message"] = .string(m) }
        if let r = status.reason { o["reason"] = .string(r) }
        if let d = status.details {
            var dj: [String: JSONValue] = [:]
            if let n = d.name { dj["name"] = .string(n) }
            if let g = d.group, !g.isEmpty { dj["group"] = .string(g) }
            if let k = d.kind { dj["kind"] = .string(k) }
            if let u = d.uid { dj["uid"] = .string(u) }
            if let causes = d.causes {
                dj["causes"] = .array(causes.map { c in
                    var cj: [String: JSONValue] = [:]
                    if let r = c.reason { cj["reason"] = .string(r) }
                    if let m = c.message { cj["message"] = .string(m) }
                    if let f = c.field { cj["field"] = .string(f) }
                    return .object(cj)
                })
            }
            if let r = d.retryAfterSeconds { dj["retryAfterSeconds"] = .int(Int64(r)) }
            o["details"] = .object(dj)
        }
        if let c = status.code { o["code"] = .int(Int64(c)) }
        return .object(o)
    }

    static func response(_ status: APIStatus, extraHeaders: [(String, String)] = []) -> StandinResponse {
        .full(status: status.code ?? 500, headers: jsonHeaders + extraHeaders, body: body(status))
    }

    static func failure(_ code: Int, _ reason: String, _ message: String, details: APIStatus.Details? = nil) -> APIStatus {
        APIStatus(status: "Failure", message: message, reason: reason, details: details, code: code)
    }

    static func notFound(_ info: ResourceInfo, name: String) -> APIStatus {
        failure(404, StatusReason.notFound, "\(info.groupResource) \"\(name)\" not found",
                details: .init(name: name, group: info.group, kind: info.plural))
    }

    static func namespaceNotFound(_ ns: String) -> APIStatus {
        failure(404, StatusReason.notFound, "namespaces \"\(ns)\" not found", details: .init(name: ns, kind: "namespaces"))
    }

    static func alreadyExists(_ info: ResourceInfo, name: String) -> APIStatus {
        failure(409, StatusReason.alreadyExists, "\(info.groupResource) \"\(name)\" already exists",
                details: .init(name: name, group: info.group, kind: info.plural))
    }

    static func conflict(_ info: ResourceInfo, name: String, detail: String = "the object has been modified; please apply your changes to the latest version and try again") -> APIStatus {
        failure(409, StatusReason.conflict, "Operation cannot be fulfilled on \(info.groupResource) \"\(name)\": \(detail)",
                details: .init(name: name, group: info.group, kind: info.plural))
    }

    static func badRequest(_ message: String) -> APIStatus {
        failure(400, StatusReason.badRequest, message)
    }

    static func pathNotFound() -> APIStatus {
        failure(404, StatusReason.notFound, "the server could not find the requested resource", details: .init())
    }

    static func methodNotAllowed(_ method: String, _ info: ResourceInfo?) -> APIStatus {
        failure(405, StatusReason.methodNotAllowed, "the server does not allow this method on the requested resource", details: .init())
    }

    static func unsupportedMediaType(_ contentType: String, accepted: [String]) -> APIStatus {
        failure(415, StatusReason.unsupportedMediaType,
                "the body of the request was in an unknown format - accepted media types include: " + accepted.joined(separator: ", "))
    }

    static func forbiddenTerminating(_ info: ResourceInfo, name: String, namespace: String) -> APIStatus {
        failure(403, StatusReason.forbidden,
                "\(info.groupResource) \"\(name)\" is forbidden: unable to create new content in namespace \(namespace) because it is being terminated",
                details: .init(name: name, group: info.group, kind: info.plural))
    }

    /// 422 Invalid from field errors: `Deployment.apps "x" is invalid: [a: ..., b: ...]`
    /// (one error without brackets), causes in order.
    static func invalid(_ info: ResourceInfo, name: String, errors: [FieldError]) -> APIStatus {
        invalid(kind: info.kind, group: info.errorGroup, name: name, errors: errors)
    }

    /// `invalid` for any group and kind (`ListOptions.meta.k8s.io "" is invalid: ...`).
    static func invalid(kind: String, group: String, name: String, errors: [FieldError]) -> APIStatus {
        let qualifiedKind = group.isEmpty ? kind : "\(kind).\(group)"
        let parts = errors.map { "\($0.field): \(FieldErrorText.body($0))" }
        let list = parts.count == 1 ? parts[0] : "[" + parts.joined(separator: ", ") + "]"
        let causes = errors.map { APIStatus.Cause(reason: $0.kind.rawValue, message: FieldErrorText.body($0), field: $0.field) }
        return failure(422, StatusReason.invalid, "\(qualifiedKind) \"\(name)\" is invalid: \(list)",
                       details: .init(name: name, group: group, kind: kind, causes: causes))
    }

    /// Server-side apply conflicts, as transcript 12: `Apply failed with 1 conflict: conflict with "m": .spec.replicas`.
    static func applyConflict(_ conflict: ApplyConflict) -> APIStatus {
        let n = conflict.conflicts.count
        // structured-merge-diff's Conflicts.Error(): one conflict inline, several grouped by manager.
        let text: String
        if n == 1, let c = conflict.conflicts.first {
            text = "conflict with \"\(c.manager)\": \(c.field)"
        } else {
            var lines: [String] = []
            let managers = Set(conflict.conflicts.map(\.manager)).sorted()
            for m in managers {
                lines.append("conflicts with \"\(m)\":")
                for c in conflict.conflicts where c.manager == m { lines.append("- \(c.field)") }
            }
            text = lines.joined(separator: "\n")
        }
        let message = "Apply failed with \(n) conflict\(n == 1 ? "" : "s"): " + text
        let causes = conflict.conflicts.map {
            APIStatus.Cause(reason: "FieldManagerConflict", message: "conflict with \"\($0.manager)\"", field: $0.field)
        }
        return failure(409, StatusReason.conflict, message, details: .init(causes: causes))
    }

    /// The 410 a watch or continue token gets when its resourceVersion left the history.
    static func watchExpired(requested: Int64, oldest: Int64) -> APIStatus {
        failure(410, StatusReason.expired, "too old resource version: \(requested) (\(oldest))")
    }

    /// A list at exactly a resourceVersion the history no longer reaches back to (etcd's
    /// "required revision has been compacted", as the store words it).
    static let listTooOld = failure(410, StatusReason.expired, "The resourceVersion for the provided list is too old.")

    /// A list at (or not older than) a resourceVersion the server has not reached within
    /// `Options.futureResourceVersionWait`: storage's NewTooLargeResourceVersionError (504, retry in 1 s).
    static func tooLargeResourceVersion(requested: Int64, current: Int64) -> APIStatus {
        failure(504, StatusReason.timeout, "Timeout: Too large resource version: \(requested), current: \(current)",
                details: .init(causes: [.init(reason: "ResourceVersionTooLarge", message: "Too large resource version")], retryAfterSeconds: 1))
    }

    static let continueTooOld = "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list."

    /// A fault-injected failure (FaultInjector rules).
    static func injected(_ failure: FaultInjector.Failure) -> StandinResponse {
        let code = failure.status
        var headers: [(String, String)] = []
        var status: APIStatus
        switch code {
        case 429:
            status = Self.failure(429, StatusReason.tooManyRequests, "Too many requests, please try again later.",
                                  details: .init(retryAfterSeconds: failure.retryAfter ?? 1))
            headers.append(("retry-after", String(failure.retryAfter ?? 1)))
        case 503:
            status = Self.failure(503, StatusReason.serviceUnavailable, "the server is currently unable to handle the request")
        case 500:
            status = Self.failure(500, StatusReason.internalError, "Internal error occurred: injected fault",
                                  details: .init(causes: [.init(message: "injected fault")]))
        case 504:
            status = Self.failure(504, StatusReason.timeout, "the server was unable to return a response in the time allotted, but may still be processing the request")
        default:
            status = Self.failure(code, "", "injected failure (HTTP \(code))")
        }
        if code != 429, let r = failure.retryAfter {
            headers.append(("retry-after", String(r)))
            status.details = status.details ?? .init()
            status.details?.retryAfterSeconds = r
        }
        return response(status, extraHeaders: headers)
    }
}

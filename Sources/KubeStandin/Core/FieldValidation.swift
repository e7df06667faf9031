import Foundation
import KubeModel

/// Server-side field validation (`fieldValidation` query parameter) of custom resources: fields
/// the CRD schema does not declare (those pruning would drop), as kube-apiserver reports them.
///
/// Guarantees:
/// - only writes to custom resources whose version has a schema are checked (built-ins have no
///   schema in the stand-in, so their unknown fields are not detected);
/// - `Strict`: POST/PUT → 400 BadRequest `<Kind> in version "<v>" cannot be handled as a
///   <Kind>: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"`;
///   merge/JSON patches → 400 `strict decoding error: unknown field "spec.foo"` (checked on the
///   patch result, the same fields a merge patch adds); paths sorted;
/// - `Warn`, and no parameter (the real server's default is Warn): the write proceeds (pruned)
///   and each unknown field adds a `Warning: 299 - "unknown field \"spec.foo\""` header;
/// - `Ignore`: pruned silently;
/// - server-side apply (`application/apply-patch+yaml`), whatever the directive: 500
///   `failed to create typed patch object (<ns>/<name>; <group/version>, Kind=<Kind>): .spec.foo:
///   field not declared in schema` — the real server's (status-less, hence 500) answer. List
///   items are named by index (`[0]`), where structured-merge-diff names associative-list items
///   by key: APPROXIMATION.
enum UnknownFields {
    /// A merge patch without its deletions (nulls), which cannot add fields.
    static func withoutNulls(_ value: JSONValue) -> JSONValue {
        guard case .object(let o) = value else { return value }
        return .object(o.filter { !$0.value.isNull }.mapValues(withoutNulls))
    }

    static func warningHeader(_ path: String) -> (String, String) {
        ("Warning", "299 - \"unknown field \\\"\(path)\\\"\"")
    }

    static func strictMessage(_ paths: [String]) -> String {
        "strict decoding error: " + paths.map { "unknown field \"\($0)\"" }.joined(separator: ", ")
    }
}

extension APIServer {
    /// Runs field validation for a write; returns the answer to send instead of serving
    /// (a rejection), or nil with `warnings` (header pairs) to add to the served answer.
    func fieldValidation(_ request: StandinRequest, _ t: Target, warnings: inout [(String, String)]) -> StandinResponse? {
        guard t.info.isCustom, ["POST", "PUT", "PATCH"].contains(request.method), let schema = schema(t) else { return nil }
        let directive = request.query["fieldValidation"].flatMap { $0.isEmpty ? nil : $0 } ?? "Warn"
        let ct = Self.contentType(request)
        guard let body = JSONWire.decode(request.body) else { return nil }
        let candidate: JSONValue
        switch (request.method, ct) {
        case ("PATCH", "application/apply-patch+yaml"):
            let unknown = schema.unknownFields(body)
            guard !unknown.isEmpty else { return nil }
            let ns = t.namespace ?? ""
            let declared = unknown.map { ".\($0): field not declared in schema" }
            let detail = declared.count == 1 ? declared[0] : "errors:\n  " + declared.joined(separator: "\n  ")
            let message = "failed to create typed patch object (\(ns)/\(t.name ?? ""); \(t.apiVersion), Kind=\(t.info.kind)): \(detail)"
            return StatusResponses.response(APIStatus(status: "Failure", message: message, code: 500))
        case ("PATCH", "application/json-patch+json"):
            guard let name = t.name,
                  let current = state.withLock({ $0.get(t.info.groupResource, t.storageNamespace, name)?.object }),
                  let patched = try? JSONPatch.apply(body, to: current) else { return nil }
            candidate = patched
        case ("PATCH", _):
            candidate = UnknownFields.withoutNulls(body)
        default:
            candidate = body
        }
        let unknown = schema.unknownFields(candidate)
        guard !unknown.isEmpty else { return nil }
        switch directive {
        case "Strict":
            var message = UnknownFields.strictMessage(unknown)
            if request.method != "PATCH" {
                message = "\(t.info.kind) in version \"\(t.version)\" cannot be handled as a \(t.info.kind): " + message
            }
            return StatusResponses.response(StatusResponses.badRequest(message))
        case "Ignore":
            return nil
        default:
            warnings += unknown.map(UnknownFields.warningHeader)
            return nil
        }
    }

    /// Serves a resource request: field validation, the request itself, Table output.
    func serveResource(_ request: StandinRequest, _ t: Target) -> StandinResponse {
        var warnings: [(String, String)] = []
        if let rejection = fieldValidation(request, t, warnings: &warnings) { return rejection }
        let response = asTableIfRequested(request, t, serve(request, t))
        guard !warnings.isEmpty, case .full(let status, let headers, let body) = response, (200..<300).contains(status) else { return response }
        return .full(status: status, headers: headers + warnings, body: body)
    }
}

import Foundation
import KubeModel
import Synchronization

/// Server-side printing: GET (one object), list and watch answers as `meta.k8s.io` Tables when
/// the `Accept` header asks for `application/json;as=Table;v=v1;g=meta.k8s.io` (or `v1beta1`),
/// as `kubectl get` does.
///
/// Guarantees (as kube-apiserver's `asTable`):
/// - the first `Accept` clause the stand-in can serve wins: a Table clause of v1/v1beta1, or
///   plain JSON (`application/json`, `*/*`, ...); other clauses are skipped (the real server
///   would answer 406 when none is acceptable; the stand-in then answers plain JSON);
/// - a Table carries `kind: Table`, the requested `apiVersion`, the list's `metadata`
///   (`resourceVersion`, `continue`, `remainingItemCount`) or, for one object, its
///   `resourceVersion`; `columnDefinitions` and `rows` are always present;
/// - each row's `object` follows `includeObject`: `Metadata` (the default) → a
///   `PartialObjectMetadata` in the Table's group-version carrying the full `metadata`;
///   `Object` → the object with kind/apiVersion; `None` → null; anything else → 400;
/// - error answers (non-2xx) pass through unchanged;
/// - watch events become Tables of one row; only the first event carries column definitions
///   (later ones have `columnDefinitions: null`, like the real watch encoder); ERROR and
///   BOOKMARK events pass through untouched.
enum TableOutput {
    /// The Table group-version `Accept` asks for, or nil for plain JSON.
    static func requestedVersion(_ request: StandinRequest) -> String? {
        guard let accept = request.headers["accept"], !accept.isEmpty else { return nil }
        for clause in accept.split(separator: ",") {
            let parts = clause.split(separator: ";").map { $0.trimmingWhitespace }
            guard let media = parts.first?.lowercased() else { continue }
            var params: [String: String] = [:]
            for p in parts.dropFirst() {
                let kv = p.split(separator: "=", maxSplits: 1).map(String.init)
                if kv.count == 2 { params[kv[0].lowercased()] = kv[1] }
            }
            let jsonLike = media == "application/json" || media == "*/*" || media == "application/*"
            if let as_ = params["as"] {
                guard as_ == "Table", jsonLike, params["g"] == "meta.k8s.io", let v = params["v"], v == "v1" || v == "v1beta1" else { continue }
                return v
            }
            if jsonLike { return nil }
        }
        return nil
    }

    /// The row object for `includeObject`; nil means "reject this value".
    static func rowObject(_ object: JSONValue, include: String, tableVersion: String) -> JSONValue?? {
        switch include {
        case "", "Metadata":
            return .some(["kind": "PartialObjectMetadata", "apiVersion": .string("meta.k8s.io/\(tableVersion)"),
                          "metadata": object["metadata"] ?? [:]])
        case "Object": return .some(object)
        case "None": return .some(nil)
        default: return nil
        }
    }

    static func table(_ printer: TablePrinter, objects: [JSONValue], metadata: JSONValue, include: String,
                      tableVersion: String, headers: Bool, now: Date) -> JSONValue? {
        var rows: [JSONValue] = []
        rows.reserveCapacity(objects.count)
        for o in objects {
            guard let embedded = rowObject(o, include: include, tableVersion: tableVersion) else { return nil }
            rows.append(["cells": .array(printer.cells(o, now)), "object": embedded ?? .null])
        }
        return ["kind": "Table", "apiVersion": .string("meta.k8s.io/\(tableVersion)"), "metadata": metadata,
                "columnDefinitions": headers ? .array(printer.columns) : .null, "rows": .array(rows)]
    }
}

extension APIServer {
    /// The printer for the target (custom resources: from their CRD's printer columns).
    func tablePrinter(_ t: Target) -> TablePrinter {
        let crd = t.info.crdName.flatMap { name in
            state.withLock { $0.get("customresourcedefinitions.apiextensions.k8s.io", "", name)?.object }
        }
        return TablePrinter.forResource(t.info, version: t.version, crd: crd)
    }

    /// `response` (an answer to GET) as a Table when the request asked for one.
    func asTableIfRequested(_ request: StandinRequest, _ t: Target, _ response: StandinResponse) -> StandinResponse {
        guard request.method == "GET", t.subresource == nil || t.subresource == "status",
              let tableVersion = TableOutput.requestedVersion(request) else { return response }
        let include = request.query["includeObject"] ?? ""
        guard ["", "Metadata", "Object", "None"].contains(include) else {
            if case .watch(let stream) = response { stream.start(onFrame: { _ in }, onEnd: { _ in }); stream.cancel() }
            return StatusResponses.response(StatusResponses.badRequest("unrecognized includeObject value: \"\(include)\""))
        }
        let printer = tablePrinter(t)
        let now = self.now()
        switch response {
        case .watch(let stream):
            return .watch(TableWatchStream(inner: stream, printer: printer, include: include, tableVersion: tableVersion,
                                           kind: t.info.kind, apiVersion: t.apiVersion, now: options.now))
        case .full(let status, let headers, let body):
            guard (200..<300).contains(status), let value = JSONWire.decode(body) else { return response }
            let objects: [JSONValue]
            let metadata: JSONValue
            if let items = value["items"]?.arrayValue {
                objects = items.map { item in
                    var o = item
                    if o["kind"] == nil { o["kind"] = .string(t.info.kind) }
                    if o["apiVersion"] == nil { o["apiVersion"] = .string(t.apiVersion) }
                    return o
                }
                metadata = value["metadata"] ?? [:]
            } else {
                objects = [value]
                var m: [String: JSONValue] = [:]
                if let rv = value[path: ["metadata", "resourceVersion"]] { m["resourceVersion"] = rv }
                metadata = .object(m)
            }
            guard let table = TableOutput.table(printer, objects: objects, metadata: metadata, include: include,
                                                tableVersion: tableVersion, headers: true, now: now) else { return response }
            return json(status, table, headers: headers.filter { $0.0.lowercased() != "content-type" && $0.0.lowercased() != "content-length" })
        }
    }
}

/// A watch whose ADDED/MODIFIED/DELETED objects are turned into one-row Tables.
///
/// Guarantees: frames keep their order (the inner stream calls back serially); column
/// definitions only on the first converted event; frames that do not parse pass unchanged.
final class TableWatchStream: WatchStream, Sendable {
    let inner: any WatchStream
    let printer: TablePrinter
    let include: String
    let tableVersion: String
    let kind: String
    let apiVersion: String
    let now: @Sendable () -> Date
    private let headersSent = Mutex(false)

    init(inner: any WatchStream, printer: TablePrinter, include: String, tableVersion: String, kind: String, apiVersion: String,
         now: @escaping @Sendable () -> Date) {
        self.inner = inner
        self.printer = printer
        self.include = include
        self.tableVersion = tableVersion
        self.kind = kind
        self.apiVersion = apiVersion
        self.now = now
    }

    func start(onFrame: @escaping @Sendable (Data) -> Void, onEnd: @escaping @Sendable (WatchEnd) -> Void) {
        inner.start(onFrame: { [self] frame in onFrame(convert(frame)) }, onEnd: onEnd)
    }

    func cancel() { inner.cancel() }

    func convert(_ frame: Data) -> Data {
        guard let event = JSONWire.decode(frame), let type = event["type"]?.stringValue,
              ["ADDED", "MODIFIED", "DELETED"].contains(type), var object = event["object"] else { return frame }
        if object["kind"] == nil { object["kind"] = .string(kind) }
        if object["apiVersion"] == nil { object["apiVersion"] = .string(apiVersion) }
        let first = headersSent.withLock { sent -> Bool in
            defer { sent = true }
            return !sent
        }
        var meta: [String: JSONValue] = [:]
        if let rv = object[path: ["metadata", "resourceVersion"]] { meta["resourceVersion"] = rv }
        guard let table = TableOutput.table(printer, objects: [object], metadata: .object(meta), include: include,
                                            tableVersion: tableVersion, headers: first, now: now()) else { return frame }
        return WatchFrames.event(type, table)
    }
}

import Dispatch
import Foundation
import KubeModel

/// GET of one object, list and watch.
extension APIServer {
    func serve(_ request: StandinRequest, _ t: Target) -> StandinResponse {
        let info = t.info
        if info.isCreateOnly {
            guard request.method == "POST", t.name == nil else { return StatusResponses.response(StatusResponses.methodNotAllowed(request.method, info)) }
            return selfSubjectAccessReview(request, t)
        }
        switch request.method {
        case "GET":
            let isWatch = request.query["watch"] == "true" || request.query["watch"] == "1"
            guard let name = t.name else { return isWatch ? watch(request, t) : list(request, t) }
            if isWatch, t.subresource == nil {
                // The deprecated single-object watch: a watch of the collection narrowed to the name.
                var narrowed = request
                let existing = request.query["fieldSelector"].map { $0.isEmpty ? "" : $0 + "," } ?? ""
                narrowed.query["fieldSelector"] = existing + "metadata.name=\(name)"
                var collection = t
                collection.name = nil
                return watch(narrowed, collection)
            }
            return get(t, name)
        case "POST":
            guard t.name == nil, !(info.namespaced && t.namespace == nil) else {
                return StatusResponses.response(StatusResponses.methodNotAllowed(request.method, info))
            }
            return create(request, t)
        case "PUT":
            guard let name = t.name else { return StatusResponses.response(StatusResponses.methodNotAllowed(request.method, info)) }
            return update(request, t, name)
        case "PATCH":
            guard let name = t.name else { return StatusResponses.response(StatusResponses.methodNotAllowed(request.method, info)) }
            return patch(request, t, name)
        case "DELETE":
            guard let name = t.name else { return deleteCollection(request, t) }
            guard t.subresource == nil else { return StatusResponses.response(StatusResponses.methodNotAllowed(request.method, info)) }
            return delete(request, t, name)
        default:
            return StatusResponses.response(StatusResponses.methodNotAllowed(request.method, info))
        }
    }

    func get(_ t: Target, _ name: String) -> StandinResponse {
        guard let stored = state.withLock({ $0.get(t.info.groupResource, t.storageNamespace, name) }) else {
            return StatusResponses.response(StatusResponses.notFound(t.info, name: name))
        }
        if t.subresource == "scale" { return json(200, Scale.from(stored.object, t.info)) }
        return json(200, ServerState.withVersion(stored.object, t.apiVersion))
    }

    /// Parses `labelSelector` / `fieldSelector`, answering 400 like the real server on errors.
    func selectors(_ request: StandinRequest) -> Result<(LabelSelector, FieldSelector), APIStatus> {
        do throws(LabelSelector.ParseError) {
            let labels = try LabelSelector(parsing: request.query["labelSelector"] ?? "")
            do throws(FieldSelector.ParseError) {
                let fields = try FieldSelector(parsing: request.query["fieldSelector"] ?? "")
                return .success((labels, fields))
            } catch {
                return .failure(StatusResponses.badRequest(error.message))
            }
        } catch {
            return .failure(StatusResponses.badRequest(error.message))
        }
    }

    // MARK: - List

    func list(_ request: StandinRequest, _ t: Target) -> StandinResponse {
        let (labels, fields): (LabelSelector, FieldSelector)
        switch selectors(request) {
        case .success(let s): (labels, fields) = s
        case .failure(let status): return StatusResponses.response(status)
        }
        let limit = Int(request.query["limit"] ?? "") ?? 0
        var token: ContinueToken?
        if let c = request.query["continue"], !c.isEmpty {
            guard let decoded = ContinueToken(decoding: c) else {
                return StatusResponses.response(StatusResponses.badRequest("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)"))
            }
            token = decoded
        }
        let read: ListRead
        switch ListRead.parse(request.query, token: token) {
        case .success(let r): read = r
        case .failure(let status): return StatusResponses.response(status)
        }
        if let minimum = read.minimum, let current = waitForResourceVersion(minimum) {
            return StatusResponses.response(StatusResponses.tooLargeResourceVersion(requested: minimum, current: current),
                                            extraHeaders: [("retry-after", "1")])
        }
        let crossNamespace = t.info.namespaced && t.namespace == nil
        let stripTypeMeta = !t.info.isCustom
        let result: ListOutcome = state.withLock { s in
            let gr = t.info.groupResource
            let listRV: Int64
            switch read {
            case .current, .notOlderThan: listRV = s.rv
            case .exact(let rv): listRV = rv
            }
            if listRV < s.history.compactedRV {
                guard let token else { return .failure(StatusResponses.statusJSON(StatusResponses.listTooOld)) }
                // As the real server: 410 Expired, whose metadata carries a token that continues
                // (inconsistently) from the same key at the current resourceVersion.
                var status = StatusResponses.statusJSON(StatusResponses.failure(410, StatusReason.expired, StatusResponses.continueTooOld))
                status["metadata"] = ["continue": .string(ContinueToken(resourceVersion: s.rv, start: token.start).encoded())]
                return .failure(status)
            }
            var items: [JSONValue] = []
            var lastKey: String?
            var remaining = 0
            var more = false
            func visit(_ ns: String, _ name: String, _ obj: JSONValue) {
                let key = crossNamespace ? "\(ns)/\(name)" : name
                if let start = token?.start, key <= start { return }
                guard labels.matches(object: obj), fields.matches(object: obj) else { return }
                if limit > 0 && items.count >= limit {
                    more = true
                    remaining += 1
                    return
                }
                var item = obj
                if stripTypeMeta {
                    item["kind"] = nil
                    item["apiVersion"] = nil
                } else {
                    item["apiVersion"] = .string(t.apiVersion)
                }
                items.append(item)
                lastKey = key
            }
            let namespace: String? = t.info.namespaced ? t.namespace : ""
            if listRV == s.rv {
                var table = s.tables[gr] ?? ResourceTable()
                for ns in namespace.map({ [$0] }) ?? table.namespaces {
                    for name in table.sortedNames(ns) {
                        if let stored = table.get(ns, name) { visit(ns, name, stored.object) }
                    }
                }
                s.tables[gr] = table.count == 0 && s.tables[gr] == nil ? nil : table
            } else {
                for (ns, name, obj) in s.objects(gr, namespace: namespace, at: listRV) { visit(ns, name, obj) }
            }
            var meta: [String: JSONValue] = ["resourceVersion": .string(String(listRV))]
            if more, let lastKey {
                meta["continue"] = .string(ContinueToken(resourceVersion: listRV, start: lastKey).encoded())
                if labels.isEmpty && fields.isEmpty { meta["remainingItemCount"] = .int(Int64(remaining)) }
            }
            return .success(["kind": .string(t.info.listKind), "apiVersion": .string(t.apiVersion), "metadata": .object(meta), "items": .array(items)])
        }
        switch result {
        case .success(let v): return json(200, v)
        case .failure(let status): return json(410, status)
        }
    }

    /// Waits (at most `options.futureResourceVersionWait`) until the server has reached `rv`;
    /// nil once it has, else the resourceVersion it is still at.
    private func waitForResourceVersion(_ rv: Int64) -> Int64? {
        let deadline = Date().addingTimeInterval(options.futureResourceVersionWait)
        while true {
            let current = state.withLock { $0.rv }
            if current >= rv { return nil }
            if Date() >= deadline { return current }
            Thread.sleep(forTimeInterval: futureResourceVersionPoll)
        }
    }

    enum ListOutcome {
        case success(JSONValue)
        /// A 410 Expired Status.
        case failure(JSONValue)
    }

    // MARK: - Watch

    func watch(_ request: StandinRequest, _ t: Target) -> StandinResponse {
        let (labels, fields): (LabelSelector, FieldSelector)
        switch selectors(request) {
        case .success(let s): (labels, fields) = s
        case .failure(let status): return StatusResponses.response(status)
        }
        let q = request.query
        let bookmarks = q["allowWatchBookmarks"] == "true"
        let sendInitial = q["sendInitialEvents"] == "true"
        let rvParam = q["resourceVersion"] ?? ""
        let timeout = Double(q["timeoutSeconds"] ?? "")
        let forcedExpiry = faults.takeWatchExpiry()
        let gr = t.info.groupResource
        let ns: String? = t.info.namespaced ? t.namespace : nil

        let conn: WatchConnection = state.withLock { s in
            s.nextWatchID += 1
            let id = s.nextWatchID
            let conn = WatchConnection(id: id, backlogLimit: options.watchBacklogLimit) { [weak self] in
                self?.state.withLock { _ = $0.removeWatcher(gr, id) }
            }
            let requested = Int64(rvParam) ?? 0
            if forcedExpiry || (!sendInitial && requested > 0 && requested < s.history.compactedRV) {
                let oldest = s.history.compactedRV + 1
                _ = conn.enqueue(WatchFrames.error(StatusResponses.watchExpired(requested: requested, oldest: max(oldest, requested + 1))))
                conn.finish(.finished)
                return conn
            }
            if sendInitial || requested == 0 {
                // Synthetic ADDED for every current object, in key order.
                var table = s.tables[gr] ?? ResourceTable()
                for n in (ns.map { [$0] } ?? table.namespaces) {
                    for name in table.sortedNames(n) {
                        guard let obj = table.get(n, name)?.object, labels.matches(object: obj), fields.matches(object: obj) else { continue }
                        _ = conn.enqueue(WatchFrames.event("ADDED", ServerState.withVersion(obj, t.apiVersion)), bounded: false)
                    }
                }
                if table.count > 0 { s.tables[gr] = table }
                if sendInitial {
                    _ = conn.enqueue(WatchFrames.bookmark(kind: t.info.kind, apiVersion: t.apiVersion, rv: s.rv,
                                                          skeleton: t.info.bookmarkSkeleton, initialEventsEnd: true), bounded: false)
                }
            } else {
                for e in s.history.events(after: requested, groupResource: gr, namespace: ns) {
                    guard let type = ServerState.visibleType(e, labels: labels, fields: fields) else { continue }
                    _ = conn.enqueue(WatchFrames.event(type.rawValue, ServerState.withVersion(e.object, t.apiVersion)), bounded: false)
                }
            }
            s.watchers[gr, default: [:]][id] = Watcher(connection: conn, namespace: ns, labels: labels, fields: fields,
                                                        apiVersion: t.apiVersion, kind: t.info.kind)
            return conn
        }
        if conn.isEnded { return .watch(conn) }
        let id = conn.id
        if bookmarks, options.bookmarkInterval > 0 {
            let timer = DispatchSource.makeTimerSource(queue: conn.queue)
            let interval = options.bookmarkInterval
            timer.schedule(deadline: .now() + interval, repeating: interval)
            let info = t.info
            let apiVersion = t.apiVersion
            timer.setEventHandler { [weak self] in
                self?.state.withLock { s in
                    guard let w = s.watchers[gr]?[id] else { return }
                    _ = w.connection.enqueue(WatchFrames.bookmark(kind: info.kind, apiVersion: apiVersion, rv: s.rv,
                                                                  skeleton: info.bookmarkSkeleton, initialEventsEnd: false))
                }
            }
            conn.own(timer)
        }
        if let timeout, timeout > 0 {
            let timer = DispatchSource.makeTimerSource(queue: conn.queue)
            timer.schedule(deadline: .now() + timeout)
            timer.setEventHandler { [weak self] in
                let w = self?.state.withLock { $0.removeWatcher(gr, id) }
                (w?.connection ?? conn).finish(.finished)
            }
            conn.own(timer)
        }
        return .watch(conn)
    }

    // MARK: - SelfSubjectAccessReview

    /// Answers every review with `allowed: true` (the stand-in has no RBAC), not stored.
    func selfSubjectAccessReview(_ request: StandinRequest, _ t: Target) -> StandinResponse {
        guard let body = JSONWire.decode(request.body), body.objectValue != nil else {
            return StatusResponses.response(StatusResponses.badRequest("the request body is not a JSON object"))
        }
        var out = body
        out["kind"] = .string(t.info.kind)
        out["apiVersion"] = .string(t.apiVersion)
        var meta = body["metadata"]?.objectValue ?? [:]
        meta["creationTimestamp"] = .null
        out["metadata"] = .object(meta)
        out["spec"] = body["spec"] ?? [:]
        out["status"] = ["allowed": true, "reason": "the stand-in API server allows every request"]
        return json(201, out)
    }
}

/// The `autoscaling/v1` Scale view of a workload (`/scale` subresource).
enum Scale {
    static func from(_ object: JSONValue, _ info: ResourceInfo) -> JSONValue {
        let meta = object["metadata"] ?? [:]
        var m: [String: JSONValue] = [:]
        for k in ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"] { if let v = meta[k] { m[k] = v } }
        let labels = object[path: ["spec", "selector", "matchLabels"]]?.objectValue ?? [:]
        let selector = labels.keys.sorted().map { "\($0)=\(labels[$0]?.stringValue ?? "")" }.joined(separator: ",")
        return ["kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": .object(m),
                "spec": ["replicas": object[path: ["spec", "replicas"]] ?? 1],
                "status": ["replicas": object[path: ["status", "replicas"]] ?? 0, "selector": .string(selector)]]
    }
}

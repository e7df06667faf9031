import Foundation
import KubeModel
import Testing
@testable import KubeStandin

/// One recorded exchange from `shared/k8s-api-transcripts`.
struct RecordedExchange {
    var file: String
    var method: String
    var path: String
    var query: [String: String]
    var requestHeaders: [String: String]
    var requestBody: Data
    var status: Int
    var responseBody: String

    /// Parses the recording format: comment, `>>> METHOD PATH?QUERY`, `>>> Header: value`,
    /// optional `>>> body:` plus body lines, `<<<`, status line, headers, blank line, body.
    init(file: String, text: String) throws {
        self.file = file
        var lines = text.components(separatedBy: "\n")
        if lines.first?.hasPrefix("#") == true { lines.removeFirst() }
        var i = 0
        var requestLine: String?
        var headers: [String: String] = [:]
        var body: [String] = []
        var inBody = false
        while i < lines.count, lines[i] != "<<<" {
            let line = lines[i]
            if inBody {
                body.append(line)
            } else if line == ">>> body:" {
                inBody = true
            } else if line.hasPrefix(">>> ") {
                let content = String(line.dropFirst(4))
                if requestLine == nil {
                    requestLine = content
                } else if let colon = content.firstIndex(of: ":") {
                    headers[content[..<colon].lowercased()] = content[content.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
            }
            i += 1
        }
        guard let requestLine, i < lines.count else { throw RecordedExchangeError.malformed(file) }
        let parts = requestLine.split(separator: " ", maxSplits: 1).map(String.init)
        method = parts[0]
        let target = parts[1]
        let pathAndQuery = target.split(separator: "?", maxSplits: 1).map(String.init)
        path = pathAndQuery[0].removingPercentEncoding ?? pathAndQuery[0]
        var q: [String: String] = [:]
        if pathAndQuery.count == 2 {
            for pair in pathAndQuery[1].split(separator: "&") {
                let kv = pair.split(separator: "=", maxSplits: 1).map(String.init)
                q[kv[0].removingPercentEncoding ?? kv[0]] = kv.count > 1 ? (kv[1].removingPercentEncoding ?? kv[1]) : ""
            }
        }
        query = q
        requestHeaders = headers
        requestBody = Data(body.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines).utf8)
        i += 1
        let statusParts = lines[i].split(separator: " ")
        guard statusParts.count >= 2, let code = Int(statusParts[1]) else { throw RecordedExchangeError.malformed(file) }
        status = code
        i += 1
        while i < lines.count, !lines[i].trimmingCharacters(in: .whitespaces).isEmpty { i += 1 }
        responseBody = lines[min(i + 1, lines.count)...].joined(separator: "\n")
    }
}

enum RecordedExchangeError: Error { case malformed(String), missingFolder(String) }

/// What a real cluster's controllers wrote into the recorded answers and the stand-in does not
/// run; these are removed from both sides before shapes are compared. Nothing else is excluded.
enum ControllerWrittenExclusions {
    /// Field managers of controllers that wrote into the recorded objects:
    /// - `kube-controller-manager`: the deployment controller's status-subresource writes;
    /// - `kubectl`: a `kubectl scale` the recording ran between files 14 and 15 (not a transcript
    ///   request, so the replay has no such manager).
    static let foreignManagers: Set<String> = ["kube-controller-manager", "kubectl"]
    /// The deployment controller's rollout revision annotation.
    static let controllerAnnotations: Set<String> = ["deployment.kubernetes.io/revision"]
    /// Deployment `.status` contents: written by the deployment controller (observedGeneration,
    /// replicas, conditions...); the stand-in's readiness simulator is off during the replay.
    static let controllerStatusKinds: Set<String> = ["Deployment"]
    /// When the recording's `kubectl scale` took `.spec.replicas` over, the other managers' sets
    /// lost `f:replicas`; the replay has no such scale, so `f:spec.f:replicas` is not compared in
    /// objects whose recorded managedFields show that `kubectl` entry.
    static let takenOverBySCale = "f:replicas"

    static func normalize(_ value: JSONValue, kind: String?, dropTakenOver: Bool) -> JSONValue {
        guard var o = value.objectValue else { return value }
        let k = o["kind"]?.stringValue ?? kind
        if let k, controllerStatusKinds.contains(k), o["status"]?.objectValue != nil { o["status"] = .object([:]) }
        if var meta = o["metadata"]?.objectValue {
            if var ann = meta["annotations"]?.objectValue {
                for a in controllerAnnotations { ann[a] = nil }
                meta["annotations"] = ann.isEmpty ? nil : .object(ann)
            }
            if let mf = meta["managedFields"]?.arrayValue {
                let kept = mf.filter { !foreignManagers.contains($0["manager"]?.stringValue ?? "") }.map { entry -> JSONValue in
                    guard dropTakenOver else { return entry }
                    var e = entry
                    if e[path: ["fieldsV1", "f:spec", takenOverBySCale]] != nil { e[path: ["fieldsV1", "f:spec", takenOverBySCale]] = nil }
                    return e
                }
                meta["managedFields"] = .array(kept)
            }
            o["metadata"] = .object(meta)
        }
        return .object(o)
    }

    static func recordedScale(_ value: JSONValue) -> Bool {
        (value[path: ["metadata", "managedFields"]]?.arrayValue ?? []).contains { $0["manager"]?.stringValue == "kubectl" }
    }
}

/// JSON shape comparison: same keys and JSON types, recursively (int and float are both
/// "number"). Arrays: elements of keyed lists (`manager`, `name`, `type` members) are paired by
/// key — managedFields must have the same managers, discovery resources are compared where both
/// serve them; other arrays pairwise up to the shorter length.
enum Shape {
    static func typeName(_ v: JSONValue) -> String {
        switch v {
        case .int, .double: return "number"
        default: return v.typeName
        }
    }

    static func diff(_ expected: JSONValue, _ actual: JSONValue, _ path: String = "$") -> [String] {
        if typeName(expected) != typeName(actual) { return ["\(path): expected \(typeName(expected)), got \(typeName(actual))"] }
        switch (expected, actual) {
        case (.object(let e), .object(let a)):
            var out: [String] = []
            for k in Set(e.keys).subtracting(a.keys).sorted() { out.append("\(path).\(k): missing") }
            for k in Set(a.keys).subtracting(e.keys).sorted() { out.append("\(path).\(k): unexpected") }
            for k in Set(e.keys).intersection(a.keys).sorted() { out += diff(e[k]!, a[k]!, "\(path).\(k)") }
            return out
        case (.array(let e), .array(let a)):
            for key in ["manager", "name", "type"] {
                let ek = e.compactMap { $0[key]?.stringValue }
                let ak = a.compactMap { $0[key]?.stringValue }
                guard !e.isEmpty, ek.count == e.count, ak.count == a.count else { continue }
                var out: [String] = []
                if key == "manager", Set(ek) != Set(ak) { out.append("\(path): managers \(ek.sorted()) vs \(ak.sorted())") }
                var matched = 0
                for x in e {
                    guard let y = a.first(where: { $0[key] == x[key] }) else { continue }
                    matched += 1
                    out += diff(x, y, "\(path)[\(key)=\(x[key]!.stringValue!)]")
                }
                if matched == 0, !a.isEmpty { out.append("\(path): no element in common by \(key)") }
                return out
            }
            return zip(e, a).enumerated().flatMap { diff($0.element.0, $0.element.1, "\(path)[\($0.offset)]") }
        default:
            return []
        }
    }
}

@Suite(.serialized) struct TranscriptConformanceTests {
    static func folder() throws -> URL {
        // #filePath → Tests/KubeStandinTests/<file> → repo root → ../shared/k8s-api-transcripts
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let dir = repo.deletingLastPathComponent().appendingPathComponent("shared/k8s-api-transcripts")
        guard FileManager.default.fileExists(atPath: dir.path) else { throw RecordedExchangeError.missingFolder(dir.path) }
        return dir
    }

    static func transcripts() throws -> [RecordedExchange] {
        let dir = try folder()
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".txt") }.sorted()
        return try files.map { try RecordedExchange(file: $0, text: String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) }
    }

    @Test func transcriptsFolderIsPresentAndComplete() throws {
        let all = try Self.transcripts()
        #expect(all.count >= 22, "expected the 22 recorded exchanges, found \(all.count)")
    }

    @Test func replayInFileOrderMatchesStatusReasonAndShape() async throws {
        let server = APIServer()
        let created = server.call("POST", "/api/v1/namespaces", body: CoreFixtures.namespace("transcripts"), userAgent: "curl/8.5.0")
        #expect(created.status == 201)
        var rvMap: [String: String] = [:]
        var watchTypesCompared = 0
        for t in try Self.transcripts() {
            // 22 (401 Unauthorized) is decided by the transport's authentication, before the core
            // sees a request: covered by ServerAuthTests.unauthorizedBodyIsTheRealServersByteForByte
            // (Tests/KubeStandinTests/HTTP/ServerAuthTests.swift, the StandinServer's tests).
            if t.status == 401 { continue }
            var query = t.query
            if let rv = query["resourceVersion"], let mapped = rvMap[rv] { query["resourceVersion"] = mapped }
            var headers = t.requestHeaders
            headers["user-agent"] = "curl/8.5.0"
            let response = server.handle(StandinRequest(method: t.method, path: t.path, query: query, headers: headers, body: t.requestBody))
            #expect(response.status == t.status, "\(t.file): status \(response.status), recorded \(t.status)")
            switch response {
            case .full(_, _, let body):
                let expected = try JSONValue(data: Data(t.responseBody.utf8))
                guard let actual = try? JSONValue(data: body) else {
                    Issue.record("\(t.file): answer is not JSON: \(String(decoding: body, as: UTF8.self))")
                    continue
                }
                compareBodies(t, expected, actual)
                if let e = expected[path: ["metadata", "resourceVersion"]]?.stringValue,
                   let a = actual[path: ["metadata", "resourceVersion"]]?.stringValue { rvMap[e] = a }
            case .watch:
                watchTypesCompared += try await compareWatch(t, response)
            }
        }
        #expect(watchTypesCompared >= 3, "watch transcripts compared \(watchTypesCompared) event types")
    }

    func compareBodies(_ t: RecordedExchange, _ expected: JSONValue, _ actual: JSONValue) {
        if expected["kind"]?.stringValue == "Status" {
            #expect(actual["kind"]?.stringValue == "Status", "\(t.file): expected a Status body")
            #expect(actual["reason"] == expected["reason"], "\(t.file): reason \(actual["reason"]?.jsonString() ?? "nil")")
            // Messages are deterministic except a generated name (file 20): compare with it substituted.
            var expectedMessage = expected["message"]?.stringValue ?? ""
            if let en = expected[path: ["details", "name"]]?.stringValue, let an = actual[path: ["details", "name"]]?.stringValue, en != an {
                expectedMessage = expectedMessage.replacingOccurrences(of: en, with: an)
            }
            #expect(actual["message"]?.stringValue == expectedMessage, "\(t.file): message \(actual["message"]?.stringValue ?? "nil")")
        }
        let scale = ControllerWrittenExclusions.recordedScale(expected)
        let listKind = expected["kind"]?.stringValue.flatMap { $0.hasSuffix("List") ? String($0.dropLast(4)) : nil }
        var e = ControllerWrittenExclusions.normalize(expected, kind: nil, dropTakenOver: scale)
        var a = ControllerWrittenExclusions.normalize(actual, kind: nil, dropTakenOver: scale)
        if let items = e["items"]?.arrayValue, let aItems = a["items"]?.arrayValue {
            e["items"] = .array(items.map { ControllerWrittenExclusions.normalize($0, kind: listKind, dropTakenOver: ControllerWrittenExclusions.recordedScale($0)) })
            a["items"] = .array(aItems.map { ControllerWrittenExclusions.normalize($0, kind: listKind, dropTakenOver: ControllerWrittenExclusions.recordedScale($0)) })
        }
        let differences = Shape.diff(e, a)
        #expect(differences.isEmpty, "\(t.file): shape differs:\n\(differences.joined(separator: "\n"))")
    }

    /// Watch transcripts: framing (compact JSON lines with exactly `type` and `object`) and, for
    /// every event type the stand-in emitted, the object's shape against the recording's first
    /// event of that type. Returns the number of event types compared.
    func compareWatch(_ t: RecordedExchange, _ response: StandinResponse) async throws -> Int {
        let watch = WatchCollector(response)
        let end = await watch.waitForEnd(timeout: 30)
        #expect(end == .finished, "\(t.file): watch ended \(String(describing: end))")
        let recorded = try t.responseBody.split(separator: "\n").filter { !$0.isEmpty }.map { try JSONValue(data: Data($0.utf8)) }
        var compared = 0
        var seen: Set<String> = []
        for frame in watch.frames {
            #expect(frame.last == UInt8(ascii: "\n"), "\(t.file): frame without newline")
            #expect(!frame.dropLast().contains(UInt8(ascii: "\n")), "\(t.file): frame spans lines")
            let text = String(decoding: frame, as: UTF8.self)
            #expect(!text.contains("\": ") && !text.hasPrefix("{ "), "\(t.file): frame is not compact JSON")
            guard let event = try? JSONValue(data: frame), let type = event["type"]?.stringValue, let object = event["object"] else {
                Issue.record("\(t.file): undecodable frame \(text)")
                continue
            }
            #expect(Set(event.objectValue?.keys.map { $0 } ?? []) == ["type", "object"], "\(t.file): event keys")
            guard !seen.contains(type), let model = recorded.first(where: { $0["type"]?.stringValue == type })?["object"] else { continue }
            seen.insert(type)
            let scale = ControllerWrittenExclusions.recordedScale(model)
            let differences = Shape.diff(ControllerWrittenExclusions.normalize(model, kind: nil, dropTakenOver: scale),
                                         ControllerWrittenExclusions.normalize(object, kind: nil, dropTakenOver: scale))
            #expect(differences.isEmpty, "\(t.file) \(type): shape differs:\n\(differences.joined(separator: "\n"))")
            compared += 1
        }
        if t.query["sendInitialEvents"] == "true" {
            let end = watch.events.first { $0["type"]?.stringValue == "BOOKMARK" }
            #expect(end?[path: ["object", "metadata", "annotations", "k8s.io/initial-events-end"]] == "true", "\(t.file): no initial-events-end bookmark")
        }
        return compared
    }
}

/// The comparison itself must be able to fail.
@Suite struct ShapeComparisonTests {
    @Test func detectsMissingExtraAndRetypedKeys() {
        let a: JSONValue = ["a": 1, "b": ["c": "x"], "l": [["name": "p", "v": 1]]]
        #expect(Shape.diff(a, a).isEmpty)
        #expect(Shape.diff(a, ["a": 1.5, "b": ["c": "y"], "l": [["name": "p", "v": 2]]]).isEmpty)
        #expect(!Shape.diff(a, ["a": "1", "b": ["c": "x"], "l": [["name": "p", "v": 1]]]).isEmpty)
        #expect(!Shape.diff(a, ["a": 1, "b": [:], "l": [["name": "p", "v": 1]]]).isEmpty)
        #expect(!Shape.diff(a, ["a": 1, "b": ["c": "x", "d": 1], "l": [["name": "p", "v": 1]]]).isEmpty)
        #expect(!Shape.diff(a, ["a": 1, "b": ["c": "x"], "l": [["name": "p", "v": "1"]]]).isEmpty)
        #expect(!Shape.diff(a, ["a": 1, "b": ["c": "x"], "l": [["name": "q", "v": 1]]]).isEmpty)
        let managers: JSONValue = [["manager": "curl", "f": 1]]
        #expect(!Shape.diff(managers, [["manager": "curl", "f": 1], ["manager": "other", "f": 1]]).isEmpty)
    }

    @Test func exclusionsDropOnlyControllerWrittenParts() {
        let recorded: JSONValue = [
            "kind": "Deployment",
            "metadata": ["annotations": ["deployment.kubernetes.io/revision": "2", "mine": "x"],
                         "managedFields": [["manager": "kube-controller-manager"], ["manager": "curl", "fieldsV1": ["f:spec": ["f:replicas": [:]]]]]],
            "status": ["replicas": 3],
        ]
        let n = ControllerWrittenExclusions.normalize(recorded, kind: nil, dropTakenOver: false)
        #expect(n[path: ["metadata", "annotations"]] == ["mine": "x"])
        #expect(n[path: ["metadata", "managedFields"]]?.arrayValue?.count == 1)
        #expect(n[path: ["metadata", "managedFields"]]?.arrayValue?.first?[path: ["fieldsV1", "f:spec", "f:replicas"]] != nil)
        #expect(n["status"] == [:])
    }
}

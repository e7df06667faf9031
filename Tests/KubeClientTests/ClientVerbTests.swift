import Foundation
import Synchronization
import Testing
import KubeModel
@testable import KubeClient

func client(_ server: ScriptedServer) -> KubeClient {
    let box = SleepLog()
    return KubeClient(config: ClusterConfig(server: server.url, namespace: "ns", context: "test", source: "test", auth: .token("secret-token")),
                      options: .init(sleep: { box.add($0) }))
}

final class Counter: Sendable {
    let value = Mutex(0)
    @discardableResult func next() -> Int { value.withLock { $0 += 1; return $0 } }
    var current: Int { value.withLock { $0 } }
}

final class SleepLog: Sendable {
    let values = Mutex([TimeInterval]())
    func add(_ v: TimeInterval) { values.withLock { $0.append(v) } }
    var all: [TimeInterval] { values.withLock { $0 } }
}

@Suite struct ClientVerbTests {
    @Test func verbsSendTheRightRequestsAndDecodeAnswers() throws {
        let created = try transcriptBody("04-create-deployment-201.txt")
        let server = try ScriptedServer { req in
            switch (req.method, req.path) {
            case ("POST", _): return .full(status: 201, body: created)
            case ("GET", "/apis/apps/v1/namespaces/ns/deployments"):
                return .full(status: 200, body: Data(#"{"kind":"DeploymentList","apiVersion":"apps/v1","metadata":{"resourceVersion":"9"},"items":[]}"#.utf8))
            case ("DELETE", _): return .full(status: 200, body: Data(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success"}"#.utf8))
            default: return .full(status: 200, body: created)
            }
        }
        defer { server.stop() }
        let c = client(server)
        let d = Deployment(metadata: ObjectMeta(name: "web"), spec: DeploymentSpec(replicas: 1))
        let out = try c.create(d, namespace: "ns")
        #expect(out.metadata.uid == "35cd5a67-4862-4cd7-ab30-cb46ca860d4d")
        #expect(out.spec?.revisionHistoryLimit == 10)

        let list = try c.list(Deployment.self, namespace: "ns", options: ListOptions(labelSelector: "app in (web,api),tier!=db", limit: 500))
        #expect(list.metadata.resourceVersion == "9")

        _ = try c.patch(ResourceDescriptor.deployments, namespace: "ns", name: "web", patch: Patch.apply(["apiVersion": "apps/v1", "kind": "Deployment", "metadata": ["name": "web"]]),
                        options: WriteOptions(fieldManager: "dynamo-operator", force: true))
        _ = try c.patch(ResourceDescriptor.deployments, namespace: "ns", name: "web", patch: Patch.merge(["spec": ["replicas": 3]]), subresource: "scale")
        _ = try c.patch(ResourceDescriptor.deployments, namespace: "ns", name: "web", patch: Patch.json([["op": "replace", "path": "/spec/replicas", "value": 2]]))
        _ = try c.replace(ResourceDescriptor.deployments, namespace: "ns", name: "web", body: ["metadata": ["name": "web", "resourceVersion": "5"]], subresource: "status")
        _ = try c.get(ResourceDescriptor.deployments, namespace: "ns", name: "web")
        try c.delete(ResourceDescriptor.deployments, namespace: "ns", name: "web", options: DeleteOptions(propagationPolicy: "Foreground", preconditions: .init(uid: "u1")))

        let r = server.requests
        #expect(r.map { "\($0.method) \($0.path)" } == [
            "POST /apis/apps/v1/namespaces/ns/deployments",
            "GET /apis/apps/v1/namespaces/ns/deployments",
            "PATCH /apis/apps/v1/namespaces/ns/deployments/web",
            "PATCH /apis/apps/v1/namespaces/ns/deployments/web/scale",
            "PATCH /apis/apps/v1/namespaces/ns/deployments/web",
            "PUT /apis/apps/v1/namespaces/ns/deployments/web/status",
            "GET /apis/apps/v1/namespaces/ns/deployments/web",
            "DELETE /apis/apps/v1/namespaces/ns/deployments/web",
        ])
        #expect(r.allSatisfy { $0.headers["authorization"] == "Bearer secret-token" })
        #expect(r.allSatisfy { $0.headers["user-agent"] == "dynamo-operator/\(KubeClient.version)" })
        #expect(r[1].query["labelSelector"] == "app in (web,api),tier!=db")
        #expect(r[1].query["limit"] == "500")
        #expect(r[2].headers["content-type"] == "application/apply-patch+yaml")
        #expect(r[2].query["fieldManager"] == "dynamo-operator" && r[2].query["force"] == "true")
        #expect(r[3].headers["content-type"] == "application/merge-patch+json")
        #expect(r[4].headers["content-type"] == "application/json-patch+json")
        let deleteBody = try JSONValue(data: r[7].body)
        #expect(deleteBody["propagationPolicy"] == "Foreground")
        #expect(deleteBody[path: ["preconditions", "uid"]] == "u1")
        #expect(server.connections.withLock { $0 } == 1, "one keep-alive connection served every request")
    }

    @Test(arguments: [
        ("06-get-missing-404-notfound.txt", 404, "NotFound"),
        ("05-create-duplicate-409-alreadyexists.txt", 409, "AlreadyExists"),
        ("07-put-stale-resourceversion-409-conflict.txt", 409, "Conflict"),
        ("08-create-invalid-422.txt", 422, "Invalid"),
        ("22-unauthorized-401.txt", 401, "Unauthorized"),
    ])
    func apiErrorsCarryTheServersStatus(file: String, code: Int, reason: String) throws {
        let body = try transcriptBody(file)
        let server = try ScriptedServer { _ in .full(status: code, body: body) }
        defer { server.stop() }
        do {
            _ = try client(server).get(ResourceDescriptor.deployments, namespace: "ns", name: "web")
            Issue.record("expected an error")
        } catch let e as KubeError {
            #expect(e.code == code)
            #expect(e.status?.reason == reason)
            #expect(e.isNotFound == (reason == "NotFound"))
            #expect(e.isConflict == (reason == "Conflict"))
            #expect(e.isAlreadyExists == (reason == "AlreadyExists"))
            #expect(e.isUnauthorized == (code == 401))
            if code == 422 { #expect(e.status?.details?.causes?.map(\.field) == ["metadata.name", "spec.template.metadata.labels", "spec.template.spec.containers"]) }
            #expect(e.description.contains(reason))
        }
    }

    @Test func retriesOverloadHonouringRetryAfterThenGivesUp() throws {
        let count = Counter()
        let server = try ScriptedServer { _ in
            let n = count.next()
            if n == 1 { return .full(status: 429, headers: [("Retry-After", "2")], body: Data(#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","reason":"TooManyRequests","code":429}"#.utf8)) }
            if n == 2 { return .full(status: 503, body: Data()) }
            return .full(status: 200, body: Data("{}".utf8))
        }
        defer { server.stop() }
        let sleeps = SleepLog()
        let c = KubeClient(config: ClusterConfig(server: server.url), options: .init(sleep: { sleeps.add($0) }))
        _ = try c.get(ResourceDescriptor.deployments, namespace: "ns", name: "web")
        #expect(count.current == 3)
        #expect(sleeps.all == [2, 0.4])

        let failing = try ScriptedServer { _ in .full(status: 500, body: Data()) }
        defer { failing.stop() }
        let c2 = KubeClient(config: ClusterConfig(server: failing.url), options: .init(sleep: { _ in }))
        #expect(throws: KubeError.self) { try c2.get(ResourceDescriptor.deployments, namespace: "ns", name: "web") }
        #expect(failing.requests.count == KubeClient.maxAttempts)
        // A create is not replayed on a 5xx: it may have happened.
        #expect(throws: KubeError.self) { try c2.create(ResourceDescriptor.deployments, namespace: "ns", body: ["metadata": ["name": "x"]]) }
        #expect(failing.requests.count == KubeClient.maxAttempts + 1)
    }

    @Test func unreachableServerIsATransportErrorNamingTheURL() throws {
        let server = try ScriptedServer { _ in .full(status: 200, body: Data()) }
        let url = server.url
        server.stop()
        let c = KubeClient(config: ClusterConfig(server: url, context: "kind-dev", source: "/home/me/.kube/config"))
        do {
            _ = try c.get(ResourceDescriptor.namespaces, namespace: nil, name: "x")
            Issue.record("expected a transport error")
        } catch KubeError.transport(let message) {
            #expect(message.contains(url))
            #expect(message.contains("kind-dev"))
        }
    }
}

/// Query keys and values are percent-encoded byte by byte: only RFC 3986's unreserved ASCII
/// characters pass, so selectors with spaces, commas, `!` and non-ASCII text reach the server intact.
@Test func queryEscapingKeepsOnlyUnreservedASCII() {
    #expect(CurlTransport.escape("app in (web,api),tier!=db") == "app%20in%20%28web%2Capi%29%2Ctier%21%3Ddb")
    #expect(CurlTransport.escape("AZaz09-._~") == "AZaz09-._~")
    #expect(CurlTransport.escape("é/+") == "%C3%A9%2F%2B")
    #expect(CurlTransport.escape("") == "")
}

import Foundation
import Testing
import KubeClient
import KubeModel
@testable import KubeRuntime

/// A loopback URL nothing listens on: port 1 is privileged and unused, so connecting is refused
/// at once (no server needed to exercise the adapters' error paths).
let closedPortURL = "http://127.0.0.1:1"

func status(_ code: Int, _ reason: String) -> APIStatus { APIStatus(message: "m", reason: reason, code: code) }

@Suite struct ClientListerWatcherTests {
    typealias LW = ClientListerWatcher<Deployment>

    @Test func listPagesCarryLimitContinueAndSelector() {
        let first = LW.listOptions(ListPage(limit: 500), labelSelector: "app.kubernetes.io/managed-by=dynamo-operator")
        #expect(first == ListOptions(labelSelector: "app.kubernetes.io/managed-by=dynamo-operator", limit: 500))
        let next = LW.listOptions(ListPage(limit: 500, continueToken: "tok"), labelSelector: nil)
        #expect(next == ListOptions(limit: 500, continueToken: "tok"))
    }

    @Test func watchesResumeWithBookmarksAndTheInformersTimeout() {
        let o = LW.watchOptions(resourceVersion: "42", timeoutSeconds: 333, labelSelector: "a=b")
        #expect(o == WatchOptions(resourceVersion: "42", allowWatchBookmarks: true, timeoutSeconds: 333, labelSelector: "a=b"))
        // An informer that has not listed yet has no version: the watch starts from "now".
        #expect(LW.watchOptions(resourceVersion: "", timeoutSeconds: 300, labelSelector: nil).resourceVersion == nil)
    }

    @Test func watchEventsMapOneToOneAndBookmarksKeepTheirVersion() {
        let d = Deployment(metadata: ObjectMeta(name: "web", namespace: "ns", resourceVersion: "7"))
        func name(_ e: InformerEvent<Deployment>) -> String {
            switch e {
            case .added(let o): return "added \(o.metadata.name!)"
            case .modified(let o): return "modified \(o.metadata.name!)"
            case .deleted(let o): return "deleted \(o.metadata.name!)"
            case .bookmark(let rv): return "bookmark \(rv)"
            }
        }
        #expect(name(LW.informerEvent(.added(d))) == "added web")
        #expect(name(LW.informerEvent(.modified(d))) == "modified web")
        #expect(name(LW.informerEvent(.deleted(d))) == "deleted web")
        #expect(name(LW.informerEvent(.bookmark(resourceVersion: "99", initialEventsEnd: true))) == "bookmark 99")
    }

    @Test func onlyGoneMeansExpired() {
        #expect(LW.isExpiredError(KubeError.expired(status(410, StatusReason.expired))))
        #expect(LW.isExpiredError(KubeError.api(code: 410, status: status(410, StatusReason.gone))))
        #expect(!LW.isExpiredError(KubeError.api(code: 404, status: status(404, StatusReason.notFound))))
        #expect(!LW.isExpiredError(KubeError.api(code: 500, status: status(500, StatusReason.internalError))))
        #expect(!LW.isExpiredError(KubeError.transport("reset")))
        #expect(!LW.isExpiredError(CancellationError()))
    }

    @Test func failuresReachTheInformerAsErrors() throws {
        let client = KubeClient(config: ClusterConfig(server: closedPortURL))
        let lw = LW(client: client, namespace: "ns")
        #expect(throws: KubeError.self) { _ = try lw.list(ListPage(limit: 10)) }
        #expect(throws: KubeError.self) { try lw.watch(resourceVersion: "1", timeoutSeconds: 1, stop: WatchStop()) { _ in } }
    }

    @Test func anInformerOverAnUnreachableServerNeverSyncsAndStillStops() {
        let client = KubeClient(config: ClusterConfig(server: closedPortURL))
        let informer = Informer(source: LW(client: client), random: { 0 })
        informer.run()
        #expect(!informer.hasSynced)
        #expect(informer.stop())
    }
}

@Suite struct ClientLeaseStoreTests {
    @Test func bothKindsOf409AreConflictsAndNothingElseIs() {
        #expect(ClientLeaseStore.isWriteConflict(KubeError.api(code: 409, status: status(409, StatusReason.conflict))))
        #expect(ClientLeaseStore.isWriteConflict(KubeError.api(code: 409, status: status(409, StatusReason.alreadyExists))))
        #expect(!ClientLeaseStore.isWriteConflict(KubeError.api(code: 404, status: status(404, StatusReason.notFound))))
        #expect(!ClientLeaseStore.isWriteConflict(KubeError.api(code: 422, status: status(422, StatusReason.invalid))))
        #expect(!ClientLeaseStore.isWriteConflict(KubeError.transport("refused")))
    }

    @Test func writesKeepTheResourceVersionPreconditionAndDropManagedFields() {
        var meta = ObjectMeta(name: "dynamo-operator-leader", namespace: "dynamo-system", resourceVersion: "338")
        meta.managedFields = [["manager": "curl"]]
        let sent = ClientLeaseStore.prepared(Lease(metadata: meta, spec: LeaseSpec(holderIdentity: "a")))
        #expect(sent.metadata.resourceVersion == "338")
        #expect(sent.metadata.managedFields == nil)
        #expect(sent.spec?.holderIdentity == "a")
    }

    @Test func anUnreachableServerIsAnErrorNotAMissingLease() {
        let store = ClientLeaseStore(client: KubeClient(config: ClusterConfig(server: closedPortURL)))
        #expect(throws: KubeError.self) { _ = try store.get(namespace: "ns", name: "l") }
    }
}

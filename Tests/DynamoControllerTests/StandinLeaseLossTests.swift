import Foundation
import Synchronization
import Testing
import KubeClient
import KubeModel
import KubeRuntime
import KubeStandin
import DynamoAPI
@testable import DynamoController
import TestPolling

/// The operator's lost-lease path end to end: `OperatorRuntime` with leader election on, against
/// the stand-in API server with the DynamoDeployment CRD installed.
@Suite struct StandinLeaseLossTests {
    static let identity = "replica-1"
    static let usurper = "replica-2"
    static let leaseName = OperatorConfiguration.defaultLeaseName
    /// Short and valid (3 > 1.5 > 1.2 × 0.2): the runtime gives up 1.5 s after its last renewal.
    static let timing = LeaderElectionTiming(leaseDuration: 3, renewDeadline: 1.5, retryPeriod: 0.2)

    func installCRD(_ client: KubeClient) throws {
        try CRDInstaller.install(client, fieldManager: "standin-test")
    }

    func deployment(_ client: KubeClient, _ ns: String, _ name: String) throws -> Deployment? {
        do {
            return try client.get(Deployment.self, namespace: ns, name: name)
        } catch let e as KubeError where e.isNotFound {
            return nil
        }
    }

    func createGraph(_ client: KubeClient, _ ns: String, _ name: String) throws {
        let dd = DynamoDeployment(metadata: ObjectMeta(name: name, namespace: ns),
                                  spec: DynamoDeploymentSpec(components: [Component(name: "backend", image: "vllm:1")]))
        _ = try client.create(dd, namespace: ns)
    }

    /// Writes the Lease as another replica that acquired it would: its identity, a fresh
    /// renewTime, one more transition (retrying when the runtime's renewal wins the race).
    func takeLease(_ client: KubeClient, _ ns: String) throws -> Lease {
        for _ in 0..<50 {
            var lease = try client.get(Lease.self, namespace: ns, name: Self.leaseName)
            let now = KubeTime.formatMicro(Date())
            var spec = try #require(lease.spec)
            spec.holderIdentity = Self.usurper
            spec.acquireTime = now
            spec.renewTime = now
            spec.leaseDurationSeconds = 60
            spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
            lease.spec = spec
            do {
                return try client.replace(lease, namespace: ns)
            } catch let e as KubeError where e.isConflict {
                continue
            }
        }
        throw KubeError.transport("the Lease kept changing under the writer")
    }

    /// `shutdown()` on another thread, waited for at most `timeout` seconds: a broken runtime
    /// fails the test instead of hanging it.
    func shutdown(_ runtime: OperatorRuntime, timeout: TimeInterval = 20) -> OperatorExit? {
        let result = Mutex<OperatorExit?>(nil)
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            let exit = runtime.shutdown()
            result.withLock { $0 = exit }
            done.signal()
        }
        guard done.wait(timeout: .now() + timeout) == .success else { return nil }
        return result.withLock { $0 }
    }

    @Test func aReplicaWhoseLeaseIsTakenStopsReconcilingAndEndsWithLostLeadership() throws {
        let api = APIServer(options: APIServer.Options(bookmarkInterval: 0.2))
        let server = StandinServer(backend: api)
        let url = try server.start()
        defer { server.stop() }
        let client = KubeClient(config: ClusterConfig(server: url.absoluteString))
        try installCRD(client)
        let ns = "lease-loss"
        _ = try client.create(Namespace(metadata: ObjectMeta(name: ns)), namespace: nil)

        let config = OperatorConfiguration(
            namespace: ns, workers: 2,
            leaderElection: LeaderElectionSettings(namespace: ns, leaseName: Self.leaseName, identity: Self.identity, timing: Self.timing),
            drainTimeout: 5, instance: Self.identity)
        let runtime = try OperatorRuntime(client: client, configuration: config)
        runtime.start()
        defer { _ = shutdown(runtime) }

        // It leads and reconciles: a graph gets its child, and a deleted child comes back.
        #expect(pollUntil(20) { runtime.isLeader })
        let held = try client.get(Lease.self, namespace: ns, name: Self.leaseName)
        #expect(held.spec?.holderIdentity == Self.identity)
        try createGraph(client, ns, "one")
        #expect(try pollUntil(20) { try deployment(client, ns, "one-backend") != nil })
        let firstUID = try #require(try deployment(client, ns, "one-backend")?.metadata.uid)
        try client.delete(.deployments, namespace: ns, name: "one-backend")
        #expect(try pollUntil(20) { try deployment(client, ns, "one-backend").map { $0.metadata.uid != firstUID } ?? false },
                "the leader repairs a deleted child")

        // Another replica takes the Lease.
        let taken = try takeLease(client, ns)
        #expect(taken.spec?.holderIdentity == Self.usurper)

        // The runtime cannot renew past its deadline: it stops and ends with lostLeadership.
        let exit = runtime.wait(timeout: 20)
        #expect(exit == .lostLeadership)
        #expect(runtime.exit == .lostLeadership)
        #expect(!runtime.isLeader)
        #expect(runtime.workQueue.isShuttingDown)
        // It did not release or overwrite the new holder's Lease.
        let after = try client.get(Lease.self, namespace: ns, name: Self.leaseName)
        #expect(after.spec?.holderIdentity == Self.usurper)
        #expect(after.spec?.leaseTransitions == taken.spec?.leaseTransitions)
        #expect(after.metadata.resourceVersion == taken.metadata.resourceVersion)

        // And it reconciles nothing any more: a deleted child stays deleted, a new graph gets no child.
        try client.delete(.deployments, namespace: ns, name: "one-backend")
        try createGraph(client, ns, "two")
        Thread.sleep(forTimeInterval: 2)
        #expect(try deployment(client, ns, "one-backend") == nil)
        #expect(try deployment(client, ns, "two-backend") == nil)
        #expect(shutdown(runtime) == .lostLeadership, "shutting down an ended runtime reports how it ended")
    }
}

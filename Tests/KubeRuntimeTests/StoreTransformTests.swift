import Foundation
import Synchronization
import Testing
import KubeModel
@testable import KubeRuntime
import TestPolling

/// The cache keeps what the transform leaves, hands the same to the handlers, and shares the
/// strings objects repeat without changing any value.
@Suite struct StoreTransformTests {
    @Test func handlersSeeTheTransformedObjectThatIsStored() throws {
        let source = FakeSource()
        source.state.withLock { s in
            s.objects = [deployment("a", owner: "dd")]
            s.sessions = [FakeSource.Session(events: [.modified(deployment("a", rv: "2", owner: "dd"))], end: .close)]
        }
        let seen = Mutex([String]())
        let handlers = Informer<FakeSource>.Handlers(
            onAdd: { o in seen.withLock { $0.append("add \(o.metadata.labels?["t"] ?? "-")") } },
            onUpdate: { old, new in seen.withLock { $0.append("update \(old.metadata.labels?["t"] ?? "-") \(new.metadata.labels?["t"] ?? "-")") } })
        let informer = Informer(source: source, handlers: handlers, clock: ManualClock(),
                                transform: { d in d.metadata.labels = ["t": "rv\(d.metadata.resourceVersion ?? "")"] }, random: { 0.5 })
        informer.run()
        defer { informer.stop() }
        #expect(pollUntil(5) { seen.withLock { $0.count } == 2 })
        #expect(seen.withLock { $0 } == ["add rv1", "update rv1 rv2"])
        #expect(informer.store.get(ObjectKey(namespace: "ns", name: "a"))?.metadata.labels == ["t": "rv2"])
    }

    /// A heap copy made at run time (literals live in the binary and would compare equal anyway).
    func fresh(_ s: String) -> String { String(decoding: Array(s.utf8), as: UTF8.self) }

    @Test func internedMetadataIsEqualAndSharesStorage() {
        let interner = StringInterner()
        func meta() -> ObjectMeta {
            var m = ObjectMeta(name: "web", namespace: fresh("a-namespace-longer-than-15"),
                               labels: [fresh("app.kubernetes.io/managed-by"): fresh("dynamo-operator-long-value")],
                               annotations: [fresh("nvidia.com/dynamo-spec-hash"): fresh("0123456789abcdef0")])
            m.ownerReferences = [OwnerReference(apiVersion: fresh("nvidia.com/v1alpha1"), kind: "DynamoDeployment", name: "llm",
                                                uid: fresh("6f1c2d3e-0000-4000-8000-000000000001"), controller: true)]
            return m
        }
        let original = meta()
        var a = meta()
        var b = meta()
        interner.intern(&a)
        interner.intern(&b)
        #expect(a == original && b == original)
        func storage(_ s: String) -> UnsafeRawPointer? { s.utf8.withContiguousStorageIfAvailable { UnsafeRawPointer($0.baseAddress) } ?? nil }
        #expect(storage(a.namespace!) == storage(b.namespace!))
        #expect(storage(a.labels!.keys.first!) == storage(b.labels!.keys.first!))
        #expect(storage(a.labels!.values.first!) == storage(b.labels!.values.first!))
        #expect(storage(a.annotations!.keys.first!) == storage(b.annotations!.keys.first!))
        #expect(storage(a.ownerReferences![0].uid) == storage(b.ownerReferences![0].uid))
        // Annotation values are not shared (often unique or large).
        #expect(storage(a.annotations!.values.first!) != storage(b.annotations!.values.first!))
        #expect(interner.count == 7, "namespace, label key and value, annotation key, owner apiVersion, kind and uid")
    }

    @Test func theTableStartsOverAtCapacity() {
        let interner = StringInterner()
        for i in 0..<(StringInterner.capacity + 10) {
            var m = ObjectMeta(name: "x", namespace: "namespace-number-\(i)")
            interner.intern(&m)
            #expect(m.namespace == "namespace-number-\(i)")
        }
        #expect(interner.count == 10)
    }
}

import Foundation
import Synchronization
import Testing
import KubeModel
@testable import DynamoController

final class MemoryEventWriter: EventWriter, @unchecked Sendable {
    let log = Mutex([String]())
    func create(_ event: Event) throws {
        log.withLock { $0.append("create \(event.metadata.name!) \(event.type!) \(event.reason!): \(event.note!)") }
    }
    func updateSeries(namespace: String, name: String, series: Event.Series) throws {
        log.withLock { $0.append("series \(name) \(series.count)") }
    }
    var all: [String] { log.withLock { $0 } }
}

final class TestTime: @unchecked Sendable {
    var now = Date(timeIntervalSince1970: 1_800_000_000)
}

@Suite struct EventRecorderTests {
    let ref = ObjectReference(apiVersion: "nvidia.com/v1alpha1", kind: "DynamoDeployment", namespace: "ns", name: "llm", uid: "u1")

    @Test func repeatsFoldIntoASeriesWrittenAtMostEvery30Seconds() {
        let writer = MemoryEventWriter()
        let time = TestTime()
        let recorder = EventRecorder(writer: writer, instance: "pod-a", now: { time.now })
        for _ in 0..<5 { recorder.record(regarding: ref, type: .warning, reason: "InvalidSpec", note: "cycle") }
        recorder.flush()
        #expect(writer.all.count == 1)
        #expect(writer.all[0].hasPrefix("create llm."))
        #expect(writer.all[0].hasSuffix("Warning InvalidSpec: cycle"))
        time.now += 31
        recorder.record(regarding: ref, type: .warning, reason: "InvalidSpec", note: "cycle")
        recorder.flush()
        #expect(writer.all.count == 2)
        #expect(writer.all[1].hasSuffix(" 6"), "the series counts every repeat")
        // A different note is a different event.
        recorder.record(regarding: ref, type: .normal, reason: "Created", note: "created Deployment llm-a")
        recorder.flush()
        #expect(writer.all.count == 3)
        // After the aggregation window a repeat starts a new event.
        time.now += EventRecorder.aggregationWindow
        recorder.record(regarding: ref, type: .warning, reason: "InvalidSpec", note: "cycle")
        recorder.flush()
        #expect(writer.all.last?.hasPrefix("create") == true)
    }

    @Test func eventsRecordedInTheSameInstantGetDistinctNames() {
        let writer = MemoryEventWriter()
        let time = TestTime()
        let recorder = EventRecorder(writer: writer, instance: "pod-a", now: { time.now })
        for component in ["frontend", "processor", "prefill", "decode"] {
            recorder.record(regarding: ref, type: .normal, reason: "Created", note: "created Deployment llm-\(component)")
        }
        recorder.flush()
        let names = writer.all.map { $0.split(separator: " ")[1] }
        #expect(names.count == 4)
        #expect(Set(names).count == 4, "\(names)")
        #expect(names.allSatisfy { $0.hasPrefix("llm.") })
    }

    @Test func perObjectBudgetStopsAFlood() {
        let writer = MemoryEventWriter()
        let time = TestTime()
        let recorder = EventRecorder(writer: writer, instance: "pod-a", now: { time.now })
        for i in 0..<100 { recorder.record(regarding: ref, type: .normal, reason: "Updated", note: "update \(i)") }
        recorder.flush()
        #expect(writer.all.count == Int(EventRecorder.burst))
        time.now += EventRecorder.refillInterval
        recorder.record(regarding: ref, type: .normal, reason: "Updated", note: "after refill")
        recorder.flush()
        #expect(writer.all.count == Int(EventRecorder.burst) + 1)
        // Another object has its own budget.
        let other = ObjectReference(kind: "DynamoDeployment", namespace: "ns", name: "other", uid: "u2")
        recorder.record(regarding: other, type: .normal, reason: "Created", note: "x")
        recorder.flush()
        #expect(writer.all.count == Int(EventRecorder.burst) + 2)
    }
}

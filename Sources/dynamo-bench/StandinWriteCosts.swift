import Foundation
import KubeModel
import KubeStandin
import DynamoAPI
import DynamoController

/// The stand-in core's CPU per write, in process (no HTTP, no watchers), for each write the
/// operator issues while converging: where the convergence ratio's server side comes from.
enum StandinWriteCosts {
    /// Graphs written per round: enough that per-write noise averages out, few enough for a
    /// round to take about two seconds.
    static let graphs = 500
    /// Rounds, each on a fresh server; the cheapest is reported (a shared machine only ever
    /// adds to a figure).
    static let rounds = 3

    struct Cost: Codable {
        var write: String
        var microseconds: Double
    }

    static func run() throws -> [Cost] {
        var best: [Cost] = []
        for _ in 0..<rounds {
            let round = try measureRound()
            best = best.isEmpty ? round : zip(best, round).map { $0.microseconds <= $1.microseconds ? $0 : $1 }
        }
        for c in best { log("stand-in core, \(c.write): \(format(c.microseconds, 0)) µs CPU") }
        return best
    }

    static func measureRound() throws -> [Cost] {
        let server = APIServer()
        guard let crd = try DocumentParser.parseDocuments(CRDGenerator.yaml()).first else { throw BenchError("no CRD document") }
        try expect(server, "POST", ResourceDescriptor.customResourceDefinitions.collectionPath(namespace: nil), crd, status: 201)
        let namespace = "bench"
        try expect(server, "POST", ResourceDescriptor.namespaces.collectionPath(namespace: nil), ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": .string(namespace)]], status: 201)
        let ddPath = DynamoDeployment.resource.collectionPath(namespace: namespace)

        var owners: [DynamoDeployment] = []
        for i in 0..<graphs {
            let object = BenchGraph.object(name: "g\(i)", namespace: namespace)
            let created = try expect(server, "POST", ddPath, object, status: 201)
            owners.append(try created.decode(as: DynamoDeployment.self))
        }
        var children: [OperatorWrites.Apply] = []
        var statusPatches: [(name: String, patch: JSONValue)] = []
        var events: [JSONValue] = []
        for dd in owners {
            // One of each write per graph: the first status patch and the first Event are what
            // a converging graph's others cost too.
            let writes = try OperatorWrites(dd: dd, ownerless: false)
            children += writes.applies
            statusPatches.append((dd.metadata.name ?? "", writes.statusPatches[0]))
            events.append(writes.events[0])
        }

        var costs: [Cost] = []
        for kind in [DesiredChildKind.deployment, .service] {
            let writes = children.filter { $0.kind == kind }
            let perWrite = try timed(writes.count) {
                for w in writes {
                    try expect(server, "PATCH", kind.resource.objectPath(namespace: namespace, name: w.name), w.object, status: 201,
                               query: ["fieldManager": ClientClusterWriter.fieldManager, "force": "true"], contentType: "application/apply-patch+yaml")
                }
            }
            costs.append(Cost(write: "apply (create) \(kind.rawValue)", microseconds: perWrite))
        }
        costs.append(Cost(write: "status merge patch", microseconds: try timed(statusPatches.count) {
            for p in statusPatches {
                try expect(server, "PATCH", "\(ddPath)/\(p.name)/status", p.patch, status: 200,
                           query: ["fieldManager": ClientClusterWriter.fieldManager], contentType: "application/merge-patch+json")
            }
        }))
        costs.append(Cost(write: "Event create", microseconds: try timed(events.count) {
            for e in events {
                try expect(server, "POST", ResourceDescriptor.events.collectionPath(namespace: namespace), e, status: 201)
            }
        }))
        return costs
    }

    /// Microseconds of this thread's CPU per write.
    static func timed(_ count: Int, _ body: () throws -> Void) rethrows -> Double {
        let start = CPUBench.threadCPUSeconds()
        try body()
        return (CPUBench.threadCPUSeconds() - start) / Double(max(count, 1)) * 1e6
    }

    @discardableResult
    static func expect(_ server: APIServer, _ method: String, _ path: String, _ body: JSONValue, status: Int,
                       query: [String: String] = [:], contentType: String = "application/json") throws -> JSONValue {
        let request = StandinRequest(method: method, path: path, query: query,
                                     headers: ["content-type": contentType, "user-agent": "dynamo-bench"], body: JSONWire.encode(body))
        guard case .full(let code, _, let data) = server.handle(request) else { throw BenchError("\(method) \(path): a watch answer") }
        guard code == status else {
            throw BenchError("\(method) \(path): \(code), expected \(status): \(String(decoding: data.prefix(500), as: UTF8.self))")
        }
        return JSONParser.parse(data) ?? .null
    }
}

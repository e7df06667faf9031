/// The dependency graph of a spec's components: edges go from a component to what it `dependsOn`.
///
/// Unknown dependency names and self-edges are ignored (validation reports them); every query is
/// deterministic, breaking ties by declaration order.
public struct ComponentGraph: Sendable, Hashable {
    /// Component names in declaration order.
    public let names: [String]
    private let index: [String: Int]
    private let edges: [[Int]]
    private let sidecars: Set<Int>
    private let entrypoints: [String]?

    public init(spec: DynamoDeploymentSpec) {
        var seen: [String: Int] = [:]
        var names: [String] = []
        for c in spec.components where seen[c.name] == nil {
            seen[c.name] = names.count
            names.append(c.name)
        }
        self.names = names
        self.index = seen
        var edges = Array(repeating: [Int](), count: names.count)
        var sidecars: Set<Int> = []
        for c in spec.components {
            guard let from = seen[c.name] else { continue }
            if c.isSidecar { sidecars.insert(from) }
            for d in c.dependsOn ?? [] {
                if let to = seen[d], to != from, !edges[from].contains(to) { edges[from].append(to) }
            }
        }
        self.edges = edges
        self.sidecars = sidecars
        self.entrypoints = spec.entrypoints
    }

    /// Direct dependencies of a component, in the order written.
    public func dependencies(of name: String) -> [String] {
        guard let i = index[name] else { return [] }
        return edges[i].map { names[$0] }
    }

    /// Components that depend directly on this one, in declaration order.
    public func dependents(of name: String) -> [String] {
        guard let i = index[name] else { return [] }
        return names.indices.filter { edges[$0].contains(i) }.map { names[$0] }
    }

    /// Every dependency cycle, each as a path that returns to its start (`["a", "b", "a"]`),
    /// starting at its earliest-declared member; empty when the graph is acyclic.
    public var cycles: [[String]] {
        var color = Array(repeating: 0, count: names.count) // 0 new, 1 on stack, 2 done
        var stack: [Int] = []
        var found: [[Int]] = []
        func visit(_ n: Int) {
            color[n] = 1
            stack.append(n)
            for m in edges[n] {
                if color[m] == 1, let start = stack.lastIndex(of: m) {
                    let cycle = Array(stack[start...])
                    let minPos = cycle.indices.min { cycle[$0] < cycle[$1] }!
                    let rotated = Array(cycle[minPos...] + cycle[..<minPos])
                    if !found.contains(rotated) { found.append(rotated) }
                } else if color[m] == 0 {
                    visit(m)
                }
            }
            stack.removeLast()
            color[n] = 2
        }
        for n in names.indices where color[n] == 0 { visit(n) }
        return found.map { c in (c + [c[0]]).map { names[$0] } }
    }

    /// Dependencies before dependents; among independent components, declaration order.
    /// `nil` when the graph has a cycle.
    public var topologicalOrder: [String]? {
        var remaining = edges.map { Set($0) }
        var done = Array(repeating: false, count: names.count)
        var order: [String] = []
        while order.count < names.count {
            guard let next = names.indices.first(where: { !done[$0] && remaining[$0].isEmpty }) else { return nil }
            done[next] = true
            order.append(names[next])
            for i in remaining.indices { remaining[i].remove(next) }
        }
        return order
    }

    /// The components to deploy: with `entrypoints`, those reachable from an entrypoint or a
    /// sidecar through `dependsOn` (a sidecar's own dependencies must run for it to work);
    /// without, all of them. In declaration order.
    public var deployed: [String] {
        guard let entrypoints else { return names }
        var roots = entrypoints.compactMap { index[$0] }
        roots += sidecars.sorted()
        var reached = Set<Int>()
        var todo = roots
        while let n = todo.popLast() {
            guard reached.insert(n).inserted else { continue }
            todo += edges[n]
        }
        return names.indices.filter { reached.contains($0) }.map { names[$0] }
    }

    /// Components outside the deployed subgraph (status phase `Unused`), in declaration order.
    public var unused: [String] {
        let d = Set(deployed)
        return names.filter { !d.contains($0) }
    }

    /// The direct dependencies of `name` for which `isReady` is false, in the order written.
    public func unmetDependencies(of name: String, isReady: (String) -> Bool) -> [String] {
        dependencies(of: name).filter { !isReady($0) }
    }
}

/// Where a value sits in a document being encoded or decoded, one link per level.
///
/// Guarantee: `path` is the `codingPath` Foundation's coders report for the same place. The
/// tree coders run for every watch event, status write, Event and compared child; keeping the
/// path as links, turned into an array only when asked for (errors), spares them an array copy
/// per field.
indirect enum CodingPathNode {
    case root
    case key(any CodingKey, CodingPathNode)

    var path: [any CodingKey] {
        var out: [any CodingKey] = []
        var cursor = self
        while case .key(let key, let parent) = cursor {
            out.append(key)
            cursor = parent
        }
        return out.reversed()
    }

    func appending(_ key: any CodingKey) -> CodingPathNode { .key(key, self) }
    func appending(index: Int) -> CodingPathNode { .key(IndexCodingKey(index), self) }
}

/// The key of an unkeyed container's element, spelled as Foundation's coders spell it.
struct IndexCodingKey: CodingKey {
    var intValue: Int?
    var stringValue: String { "Index \(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { nil }
    init?(intValue: Int) { self.intValue = intValue }
}

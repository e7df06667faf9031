import Synchronization
import KubeModel
import DynamoAPI

/// The validation verdict of each DynamoDeployment's current spec, so a graph reconciled many
/// times while it rolls out is validated once per spec change.
///
/// Guarantees: the verdict returned is `Validator.validate` of an object with the same uid and
/// generation (the API server bumps the generation on every spec change, and validation reads
/// only the spec and the immutable name); objects without a generation are always validated;
/// one entry per live key, dropped when the reconciler finds the key gone.
final class ValidationCache: Sendable {
    struct Entry {
        var uid: String
        var generation: Int64
        var errors: [ValidationError]
    }
    private let entries = Mutex<[ObjectKey: Entry]>([:])

    func errors(for dd: DynamoDeployment, key: ObjectKey) -> [ValidationError] {
        guard let uid = dd.metadata.uid, let generation = dd.metadata.generation else { return Validator.validate(dd) }
        if let hit = entries.withLock({ $0[key] }), hit.uid == uid, hit.generation == generation { return hit.errors }
        let errors = Validator.validate(dd)
        entries.withLock { $0[key] = Entry(uid: uid, generation: generation, errors: errors) }
        return errors
    }

    func forget(_ key: ObjectKey) { _ = entries.withLock { $0.removeValue(forKey: key) } }

    var count: Int { entries.withLock { $0.count } }
}

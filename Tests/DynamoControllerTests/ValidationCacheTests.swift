import Testing
import KubeModel
import DynamoAPI
@testable import DynamoController

/// A spec is validated once per generation; a new generation or a new uid is validated afresh.
@Suite struct ValidationCacheTests {
    let key = ObjectKey(namespace: "ns", name: "llm")

    func dd(image: String, generation: Int64?, uid: String = "u1") -> DynamoDeployment {
        DynamoDeployment(metadata: ObjectMeta(name: "llm", namespace: "ns", uid: uid, generation: generation),
                         spec: DynamoDeploymentSpec(components: [Component(name: "backend", image: image)]))
    }

    @Test func verdictFollowsGenerationAndUID() {
        let cache = ValidationCache()
        #expect(cache.errors(for: dd(image: "vllm:1", generation: 1), key: key).isEmpty)
        // Same uid and generation: the cached verdict (a real server never changes a spec without
        // bumping the generation, so this object cannot occur; it proves the cache is consulted).
        #expect(cache.errors(for: dd(image: "", generation: 1), key: key).isEmpty)
        #expect(!cache.errors(for: dd(image: "", generation: 2), key: key).isEmpty)
        #expect(cache.errors(for: dd(image: "vllm:2", generation: 2, uid: "u2"), key: key).isEmpty)
        // Without a generation nothing is cached.
        #expect(!cache.errors(for: dd(image: "", generation: nil, uid: "u2"), key: key).isEmpty)
        cache.forget(key)
        #expect(cache.count == 0)
    }
}

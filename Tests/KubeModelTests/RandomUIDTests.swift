import Foundation
import Testing
import KubeModel

@Suite struct RandomUIDTests {
    @Test func uidsAreLowercaseVersion4UUIDsAndDoNotRepeat() throws {
        var seen = Set<String>()
        for _ in 0..<2000 {
            let uid = RandomUID.make()
            #expect(uid.wholeMatch(of: /[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/) != nil, "\(uid)")
            // Foundation reads it back as the same UUID.
            #expect(UUID(uuidString: uid)?.uuidString.lowercased() == uid)
            seen.insert(uid)
        }
        #expect(seen.count == 2000)
    }
}

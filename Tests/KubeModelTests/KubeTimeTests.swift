import Foundation
import Testing
@testable import KubeModel

/// KubeTime is hand-written arithmetic; Foundation's Gregorian calendar and ISO 8601 formatter
/// are the oracle it is checked against.
struct KubeTimeTests {
    static func oracleFormat(_ date: Date) -> String {
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        let c = cal.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
    }

    @Test func formatsLikeTheGregorianCalendarAcrossCenturies() {
        var rng = SystemRandomNumberGenerator()
        // 1970 ... 2400: leap centuries (2000, 2400), non-leap ones (2100, 2200, 2300), month ends.
        var samples: [Double] = [0, 951_782_400, 951_868_799, 4_107_542_399, 4_107_542_400, 13_569_465_599]
        for _ in 0..<5_000 { samples.append(Double(Int.random(in: 0...13_569_465_599, using: &rng))) }
        for t in samples {
            let date = Date(timeIntervalSince1970: t + 0.999)
            #expect(KubeTime.format(date) == Self.oracleFormat(date), "t=\(t)")
            #expect(KubeTime.parse(KubeTime.format(date)) == Date(timeIntervalSince1970: t))
        }
    }

    @Test func microsecondsTruncateAndRoundTrip() throws {
        let d = try #require(KubeTime.parse("2026-11-22T14:43:44Z"))
        #expect(KubeTime.format(d) == "2026-11-22T14:43:44Z")
        #expect(KubeTime.formatMicro(d.addingTimeInterval(0.25)) == "2026-11-22T14:43:44.250000Z")
        #expect(KubeTime.formatMicro(d) == "2026-11-22T14:43:44.000000Z")
        let micro = try #require(KubeTime.parse("2026-01-01T00:00:00.123456Z"))
        #expect(KubeTime.formatMicro(micro).hasPrefix("2026-01-01T00:00:00.12345"))
    }

    @Test func parsesOffsetsAndFractionsOfAnyLength() throws {
        let utc = try #require(KubeTime.parse("2026-11-22T14:43:44Z"))
        #expect(KubeTime.parse("2026-11-22T15:43:44+01:00") == utc)
        #expect(KubeTime.parse("2026-11-22T09:13:44-05:30") == utc)
        #expect(KubeTime.parse("2026-11-23T00:43:44+10:00") == utc)
        #expect(KubeTime.parse("2026-11-22T14:43:44.5Z") == utc.addingTimeInterval(0.5))
        #expect(KubeTime.parse("2026-11-22T14:43:44.500000000Z") == utc.addingTimeInterval(0.5))
        #expect(KubeTime.parse("2024-02-29T00:00:00Z") != nil)
        #expect(KubeTime.parse("2000-02-29T00:00:00Z") != nil)
    }

    @Test(arguments: [
        "", "2026-11-22", "2026-11-22T14:43:44", "2026-11-22 14:43:44Z", "2026-11-22t14:43:44Z",
        "2026-13-01T00:00:00Z", "2026-00-01T00:00:00Z", "2026-02-29T00:00:00Z", "2100-02-29T00:00:00Z",
        "2026-04-31T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T14:60:00Z", "2026-11-22T14:43:60Z",
        "2026-11-22T14:43:44.Z", "2026-11-22T14:43:44+0100", "2026-11-22T14:43:44+24:00",
        "2026-11-22T14:43:44Zjunk", "2026-1x-22T14:43:44Z", "２026-11-22T14:43:44Z",
    ])
    func rejectsWhatRFC3339DoesNotAllow(_ text: String) {
        #expect(KubeTime.parse(text) == nil, "\(text)")
    }
}

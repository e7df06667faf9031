import Foundation
import KubeModel
import Testing
@testable import KubeStandin

@Suite struct JSONParserTests {
    @Test func parsesLikeJSONValuesDecoder() throws {
        let texts = [
            #"{"a":1,"b":1.5,"c":"x","d":[true,false,null],"e":{"f":9007199254740993},"g":-0.25,"i":-7}"#,
            #"["\u00e9\n\t\"\\\/", "\ud83d\ude00", "plain", ""]"#,
            #"  {"nested": {"deep": [[], {}, [1, [2, [3]]]]}}  "#,
            "12345678901234567890",
        ]
        for t in texts {
            let mine = try #require(JSONParser.parse(Data(t.utf8)), "failed on \(t)")
            #expect(mine == (try JSONValue(data: Data(t.utf8))), "differs on \(t)")
        }
    }

    @Test func parsesEveryRecordedBodyLikeTheReferenceDecoder() throws {
        for t in try TranscriptConformanceTests.transcripts() {
            for body in [t.responseBody] + t.responseBody.split(separator: "\n").map(String.init) {
                let data = Data(body.utf8)
                guard let reference = try? JSONValue(data: data) else { continue }
                #expect(JSONParser.parse(data) == reference, "\(t.file)")
            }
        }
    }

    @Test func exponentNumbersAreFloatsAsInGo() {
        // apimachinery keeps a number int64 only when strconv.ParseInt accepts its text.
        #expect(JSONParser.parse(Data("1e3".utf8)) == .double(1000))
        #expect(JSONParser.parse(Data("1000".utf8)) == .int(1000))
    }

    @Test func rejectsMalformedInput() {
        for bad in ["", "{", "{\"a\":}", "[1,]", "{\"a\" 1}", "tru", "01", "1.", "\"unterminated", "{} x", "\"\\x\"", "[\"\u{1}\"]", "-"] {
            #expect(JSONParser.parse(Data(bad.utf8)) == nil, "accepted \(bad)")
        }
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(JSONParser.parse(Data(deep.utf8)) == nil)
    }

    @Test func wireEncodingRoundTrips() throws {
        let v: JSONValue = ["s": "a\"b\\c\nd\u{1}é/", "i": 3, "d": 2.5, "n": .null, "l": [true, ["x": []]]]
        let data = JSONWire.encode(v)
        #expect(JSONParser.parse(data) == v)
        #expect(data == (try v.data()))
    }
}

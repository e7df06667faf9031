import Testing
@testable import DynamoAPI

@Suite struct QuantityTests {
    @Test(arguments: [
        ("0.5", "500m"), ("1000m", "1"), ("1500m", "1500m"), ("2", "2"), ("2000", "2k"), ("1.5", "1500m"),
        ("16Gi", "16Gi"), ("1024Mi", "1Gi"), ("1000Mi", "1000Mi"), ("1.5Gi", "1536Mi"), ("0.5Ki", "512"),
        ("1Ki", "1Ki"), ("100M", "100M"), ("1e3", "1e3"), ("12e5", "1200e3"), ("0", "0"), ("0.0001", "100u"),
        ("0.0000000001", "1n"), ("1.5k", "1500"), ("+1", "1"), ("010", "10"), ("1G", "1G"), ("1000M", "1G"),
    ])
    func canonicalisesLikeTheAPIServer(input: String, expected: String) {
        #expect(Quantity(input).canonical == expected)
    }

    @Test func rejectsNonQuantities() {
        for bad in ["", "abc", "1.2.3", "5Q", "1e", ".", "Gi"] {
            #expect(ParsedQuantity(bad) == nil, "\(bad)")
        }
    }

    @Test func decodesNumbersFromYAML() throws {
        let comps = try DocumentParser.parseDocuments("requests: {cpu: 0.5, memory: 16Gi, gpu: 2}")
        let r = try comps[0].decode(as: ComponentResources.self)
        #expect(r.requests?["cpu"]?.canonical == "500m")
        #expect(r.requests?["gpu"]?.text == "2")
    }
}

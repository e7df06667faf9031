import Testing
import KubeModel
@testable import DynamoAPI

@Suite struct CRDTests {
    @Test func committedCRDEqualsGeneratedText() throws {
        let committed = try Fixtures.text("deploy/crds/\(CRDGenerator.fileName)")
        #expect(committed == CRDGenerator.yaml(), "run: swift run dynamo-operator crd > deploy/crds/\(CRDGenerator.fileName)")
    }

    @Test func crdDeclaresNamesScopeAndSubresource() throws {
        let crd = try #require(try DocumentParser.parseDocuments(CRDGenerator.yaml()).first)
        #expect(crd["metadata"]?["name"] == "dynamodeployments.nvidia.com")
        #expect(crd[path: ["spec", "names", "shortNames"]] == ["dynd"])
        #expect(crd[path: ["spec", "names", "categories"]] == ["dynamo"])
        #expect(crd[path: ["spec", "scope"]] == "Namespaced")
        let version = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first)
        #expect(version["subresources"]?["status"] == .object([:]))
        let columns = version["additionalPrinterColumns"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
        #expect(columns == ["Ready", "Phase", "Components", "Age"])
        #expect(version["additionalPrinterColumns"]?.arrayValue?.first?["jsonPath"] == #".status.conditions[?(@.type=="Ready")].status"#)
    }

    @Test func schemaIsStructuralWithListMapsBoundsAndCEL() throws {
        let crd = try #require(try DocumentParser.parseDocuments(CRDGenerator.yaml()).first)
        let root = try #require(crd[path: ["spec", "versions"]]?.arrayValue?.first?[path: ["schema", "openAPIV3Schema"]])
        let comps = try #require(root[path: ["properties", "spec", "properties", "components"]])
        #expect(comps["x-kubernetes-list-type"] == "map")
        #expect(comps["x-kubernetes-list-map-keys"] == ["name"])
        #expect(comps["maxItems"] == 64)
        #expect(comps["minItems"] == 1)
        let item = try #require(comps["items"])
        #expect(item[path: ["properties", "podTemplate", "x-kubernetes-preserve-unknown-fields"]] == true)
        #expect(item[path: ["properties", "replicas", "default"]] == 1)
        #expect(item[path: ["properties", "ports", "items", "properties", "protocol", "default"]] == "TCP")
        #expect(item[path: ["properties", "name", "maxLength"]] == 40)
        let rootRules = root["x-kubernetes-validations"]?.arrayValue?.compactMap { $0["rule"]?.stringValue } ?? []
        #expect(rootRules.contains { $0.contains("size(self.metadata.name) + 1 + size(c.name) <= 63") })
        let specRules = root[path: ["properties", "spec", "x-kubernetes-validations"]]?.arrayValue ?? []
        #expect(specRules.count == 3)
        #expect(item["x-kubernetes-validations"]?.arrayValue?.first?["rule"] == "!has(self.dependsOn) || !(self.name in self.dependsOn)")
        // Structural: every property node has a type (or int-or-string / preserve-unknown-fields).
        func check(_ s: JSONValue, _ path: String) {
            if s["type"] == nil && s["x-kubernetes-int-or-string"] == nil {
                Issue.record("\(path) has no type")
            }
            for (k, v) in s["properties"]?.objectValue ?? [:] { check(v, "\(path).\(k)") }
            if let items = s["items"] { check(items, "\(path)[]") }
            if let ap = s["additionalProperties"]?.objectValue { check(.object(ap), "\(path){}") }
            // Every list and map a CEL rule may iterate is bounded.
            if s["type"] == "array" { #expect(s["maxItems"] != nil, "\(path) lacks maxItems") }
            if s["type"] == "string", path.hasSuffix("[]") { #expect(s["maxLength"] != nil, "\(path) lacks maxLength") }
            if s["additionalProperties"] != nil { #expect(s["maxProperties"] != nil, "\(path) lacks maxProperties") }
        }
        check(root, "")
    }

    /// CEL rules use only functions the Kubernetes CEL environment has, and balance their brackets.
    @Test func celRulesAreWellFormed() throws {
        let text = CRDGenerator.yaml()
        let crd = try #require(try DocumentParser.parseDocuments(text).first)
        var rules: [String] = []
        func collect(_ v: JSONValue) {
            switch v {
            case .object(let o):
                if let r = o["rule"]?.stringValue { rules.append(r) }
                o.values.forEach(collect)
            case .array(let a): a.forEach(collect)
            default: break
            }
        }
        collect(crd)
        #expect(rules.count >= 8)
        for r in rules {
            var depth = 0
            var inQuote = false
            var raw = false
            var previous: Character = " "
            for ch in r {
                if ch == "'" {
                    inQuote.toggle()
                    raw = inQuote && previous == "r"
                }
                previous = ch
                // CEL has no \$ or \. escapes in ordinary literals: regexes with backslashes must be raw (r'…').
                if inQuote, ch == "\\", !raw { Issue.record("\(r): backslash in a non-raw CEL string") }
                if inQuote { continue }
                if ch == "(" { depth += 1 }
                if ch == ")" { depth -= 1 }
                #expect(depth >= 0, "\(r)")
            }
            #expect(depth == 0 && !inQuote, "\(r)")
            #expect(!r.contains("len("), "\(r): CEL has size(), not len()")
        }
    }
}

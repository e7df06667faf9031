import Foundation

/// A strict reader of the Prometheus text exposition format 0.0.4, enough to check what
/// `/metrics` publishes: `# HELP`/`# TYPE` lines, samples with escaped label values, histograms.
/// It throws on anything it does not understand, and on a sample whose family has no `# TYPE`.
struct PrometheusText {
    struct Sample: Equatable {
        var name: String
        var labels: [String: String]
        var value: Double
    }
    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    var types: [String: String] = [:]
    var help: [String: String] = [:]
    var samples: [Sample] = []

    init(_ text: String) throws {
        for raw in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = String(raw)
            if line.hasPrefix("# TYPE ") {
                let parts = line.dropFirst(7).split(separator: " ")
                guard parts.count == 2, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[1]) else {
                    throw ParseError(description: "bad TYPE line: \(line)")
                }
                guard types[String(parts[0])] == nil else { throw ParseError(description: "duplicate TYPE: \(line)") }
                types[String(parts[0])] = String(parts[1])
            } else if line.hasPrefix("# HELP ") {
                let rest = line.dropFirst(7)
                guard let space = rest.firstIndex(of: " ") else { throw ParseError(description: "bad HELP line: \(line)") }
                help[String(rest[..<space])] = String(rest[rest.index(after: space)...])
            } else if line.hasPrefix("#") {
                continue
            } else {
                let sample = try Self.sample(line)
                guard types[Self.family(of: sample.name, types: types)] != nil else {
                    throw ParseError(description: "sample before its TYPE: \(line)")
                }
                samples.append(sample)
            }
        }
    }

    /// The family a sample belongs to: histogram samples carry `_bucket`, `_sum`, `_count`.
    static func family(of name: String, types: [String: String]) -> String {
        for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) {
            let base = String(name.dropLast(suffix.count))
            if types[base] == "histogram" || types[base] == "summary" { return base }
        }
        return name
    }

    static func sample(_ line: String) throws -> Sample {
        var i = line.startIndex
        while i < line.endIndex, line[i] != "{", line[i] != " " { i = line.index(after: i) }
        let name = String(line[..<i])
        guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }) else {
            throw ParseError(description: "bad metric name: \(line)")
        }
        var labels: [String: String] = [:]
        if i < line.endIndex, line[i] == "{" {
            i = line.index(after: i)
            while line[i] != "}" {
                guard let eq = line[i...].firstIndex(of: "=") else { throw ParseError(description: "bad label: \(line)") }
                let key = String(line[i..<eq])
                i = line.index(after: eq)
                guard line[i] == "\"" else { throw ParseError(description: "unquoted label value: \(line)") }
                i = line.index(after: i)
                var value = ""
                while line[i] != "\"" {
                    if line[i] == "\\" {
                        i = line.index(after: i)
                        switch line[i] {
                        case "n": value.append("\n")
                        case "\\": value.append("\\")
                        case "\"": value.append("\"")
                        default: throw ParseError(description: "bad escape: \(line)")
                        }
                    } else {
                        value.append(line[i])
                    }
                    i = line.index(after: i)
                }
                i = line.index(after: i)
                guard labels.updateValue(value, forKey: key) == nil else { throw ParseError(description: "duplicate label: \(line)") }
                if line[i] == "," { i = line.index(after: i) }
            }
            i = line.index(after: i)
        }
        let fields = line[i...].split(separator: " ")
        guard (1...2).contains(fields.count), let value = parseValue(String(fields[0])) else {
            throw ParseError(description: "bad value: \(line)")
        }
        return Sample(name: name, labels: labels, value: value)
    }

    static func parseValue(_ s: String) -> Double? {
        switch s {
        case "+Inf": return .infinity
        case "-Inf": return -.infinity
        case "NaN": return .nan
        default: return Double(s)
        }
    }

    /// The value of the one sample with exactly these labels.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        let matches = samples.filter { $0.name == name && $0.labels == labels }
        return matches.count == 1 ? matches[0].value : nil
    }

    struct Histogram {
        var buckets: [(le: Double, count: Double)]
        var sum: Double
        var count: Double
    }

    /// A histogram series, checked for consistency: cumulative buckets ending in `+Inf` = count.
    func histogram(_ name: String, _ labels: [String: String]) throws -> Histogram {
        guard types[name] == "histogram" else { throw ParseError(description: "\(name) is not a histogram") }
        let buckets = samples.filter { s in
            s.name == name + "_bucket" && s.labels.filter { $0.key != "le" } == labels
        }.map { (le: Self.parseValue($0.labels["le"] ?? "") ?? .nan, count: $0.value) }
        guard let sum = value(name + "_sum", labels), let count = value(name + "_count", labels), let last = buckets.last else {
            throw ParseError(description: "\(name)\(labels) incomplete")
        }
        guard last.le == .infinity, last.count == count,
              zip(buckets, buckets.dropFirst()).allSatisfy({ $0.le < $1.le && $0.count <= $1.count }) else {
            throw ParseError(description: "\(name)\(labels) buckets inconsistent")
        }
        return Histogram(buckets: buckets, sum: sum, count: count)
    }
}

/// An exactly parsed Kubernetes quantity: `sign × digits × 10^exponent10 × 1024^exponent1024`,
/// with the format (`DecimalSI`, `BinarySI`, `DecimalExponent`) the suffix implies, following
/// `k8s.io/apimachinery/pkg/api/resource`.
public struct ParsedQuantity: Sendable, Hashable {
    public enum Format: Sendable, Hashable { case decimalSI, binarySI, decimalExponent }

    /// Quantities are stored with nano precision by the API server; smaller fractions round up.
    static let smallestDecimalExponent = -9
    static let decimalSuffixes: [String: Int] = ["n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18]
    static let binarySuffixes: [String: Int] = ["Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6]

    public var negative: Bool
    /// Decimal digits without leading zeros ("0" for zero).
    public var digits: String
    public var exponent10: Int
    public var exponent1024: Int
    public var format: Format

    /// Parses the quantity grammar: `[+-]number[suffix]` where suffix is a decimal SI suffix,
    /// a binary SI suffix or an exponent `e<int>`/`E<int>`.
    public init?(_ text: String) {
        var s = Substring(text)
        guard !s.isEmpty else { return nil }
        negative = false
        if s.first == "+" || s.first == "-" {
            negative = s.first == "-"
            s = s.dropFirst()
        }
        let numberEnd = s.firstIndex { !($0.isASCII && ($0.isNumber || $0 == ".")) } ?? s.endIndex
        let number = s[..<numberEnd]
        let suffix = String(s[numberEnd...])
        let parts = number.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, !number.isEmpty, number != "." else { return nil }
        let whole = String(parts[0])
        let fraction = parts.count == 2 ? String(parts[1]) : ""
        guard !(whole.isEmpty && fraction.isEmpty) else { return nil }
        var exp10 = -fraction.count
        var exp1024 = 0
        if let e = ParsedQuantity.decimalSuffixes[suffix] {
            exp10 += e
            format = .decimalSI
        } else if let b = ParsedQuantity.binarySuffixes[suffix] {
            exp1024 = b
            format = .binarySI
        } else if let first = suffix.first, first == "e" || first == "E", let e = Int(suffix.dropFirst()),
                  suffix.count > 1, suffix.dropFirst().allSatisfy({ $0.isNumber || $0 == "+" || $0 == "-" }) {
            exp10 += e
            format = .decimalExponent
        } else {
            return nil
        }
        var all = (whole + fraction).drop { $0 == "0" }
        if all.isEmpty { all = "0" }
        digits = String(all)
        exponent10 = exp10
        exponent1024 = exp1024
        if digits == "0" { negative = false }
    }

    public var isZero: Bool { digits == "0" }

    /// The canonical text the API server returns for this quantity.
    public var canonical: String {
        if isZero { return "0" }
        var fmt = format
        var bytes: Int128? = nil
        if fmt == .binarySI {
            bytes = exactInteger()
            if let b = bytes, b > -1024, b < 1024 { fmt = .decimalSI }
            if bytes == nil { fmt = .decimalSI }
        }
        let sign = negative ? "-" : ""
        if fmt == .binarySI, var b = bytes {
            b = b.magnitude > 0 ? Int128(b.magnitude) : b
            var e = 0
            while e < 6, b % 1024 == 0 { b /= 1024; e += 1 }
            let suffix = ParsedQuantity.binarySuffixes.first { $0.value == e }?.key ?? ""
            return sign + String(b) + suffix
        }
        // Decimal: value = digits × 10^exp in base-10 units (1024 powers folded in when exact).
        var (d, e) = decimalDigits()
        // Round up to nano precision.
        if e < ParsedQuantity.smallestDecimalExponent {
            let drop = ParsedQuantity.smallestDecimalExponent - e
            if drop >= d.count {
                d = "1"
            } else {
                let kept = String(d.dropLast(drop))
                let rest = d.suffix(drop)
                d = rest.allSatisfy({ $0 == "0" }) ? kept : ParsedQuantity.increment(kept)
            }
            e = ParsedQuantity.smallestDecimalExponent
        }
        // Absorb trailing zeros into the exponent, then lower it to a multiple of 3.
        while d.count > 1, d.hasSuffix("0") { d.removeLast(); e += 1 }
        let floored = Int((Double(e) / 3).rounded(.down)) * 3
        d += String(repeating: "0", count: e - floored)
        e = floored
        if fmt == .decimalExponent {
            return sign + d + (e == 0 ? "" : "e\(e)")
        }
        if let suffix = ParsedQuantity.decimalSuffixes.first(where: { $0.value == e })?.key {
            return sign + d + suffix
        }
        return sign + d + "e\(e)"
    }

    /// The value in base units as an integer, when it is one and fits in 128 bits.
    func exactInteger() -> Int128? {
        guard var v = Int128(digits) else { return nil }
        var e = exponent10
        for _ in 0..<exponent1024 {
            let (r, o) = v.multipliedReportingOverflow(by: 1024)
            if o { return nil }
            v = r
        }
        while e > 0 {
            let (r, o) = v.multipliedReportingOverflow(by: 10)
            if o { return nil }
            v = r
            e -= 1
        }
        while e < 0 {
            if v % 10 != 0 { return nil }
            v /= 10
            e += 1
        }
        return negative ? -v : v
    }

    /// Digits and decimal exponent with any 1024 powers multiplied in.
    func decimalDigits() -> (String, Int) {
        guard exponent1024 > 0 else { return (digits, exponent10) }
        var d = digits
        for _ in 0..<exponent1024 { d = ParsedQuantity.multiply(d, by: 1024) }
        return (d, exponent10)
    }

    static func multiply(_ digits: String, by factor: Int) -> String {
        var result: [Int] = []
        var carry = 0
        for ch in digits.reversed() {
            let p = Int(String(ch))! * factor + carry
            result.append(p % 10)
            carry = p / 10
        }
        while carry > 0 { result.append(carry % 10); carry /= 10 }
        let s = String(result.reversed().map { Character(String($0)) }).drop { $0 == "0" }
        return s.isEmpty ? "0" : String(s)
    }

    static func increment(_ digits: String) -> String {
        if digits.isEmpty { return "1" }
        return multiplyAdd(digits)
    }

    private static func multiplyAdd(_ digits: String) -> String {
        var chars = Array(digits)
        var i = chars.count - 1
        while i >= 0 {
            if chars[i] == "9" { chars[i] = "0"; i -= 1 } else {
                chars[i] = Character(String(Int(String(chars[i]))! + 1))
                return String(chars)
            }
        }
        return "1" + String(chars)
    }

    /// Compares two quantities by value (`nil` when either is too large to compare exactly).
    public static func compare(_ a: ParsedQuantity, _ b: ParsedQuantity) -> Int? {
        let scale = 9
        func nanos(_ q: ParsedQuantity) -> Double {
            let (d, e) = q.decimalDigits()
            return (Double(d) ?? .infinity) * pow10(e + scale) * (q.negative ? -1 : 1)
        }
        let x = nanos(a), y = nanos(b)
        guard x.isFinite, y.isFinite else { return nil }
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    private static func pow10(_ e: Int) -> Double {
        var r = 1.0
        if e >= 0 { for _ in 0..<e { r *= 10 } } else { for _ in 0..<(-e) { r /= 10 } }
        return r
    }
}

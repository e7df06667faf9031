import Foundation

/// Reads the subject common name out of a DER X.509 certificate (NIOSSL keeps its own CN
/// accessor internal). Only the few DER shapes a certificate's TBS part uses are understood.
///
/// Guarantees: returns nil, never traps, on anything malformed; returns the last CN of the
/// subject when there are several (as Kubernetes' x509 authenticator does via Go's
/// `pkix.Name.CommonName`).
enum CertificateSubject {
    /// OID 2.5.4.3 (id-at-commonName) in DER.
    static let commonNameOID: [UInt8] = [0x55, 0x04, 0x03]

    static func commonName(der: [UInt8]) -> String? {
        var reader = DERReader(bytes: der[...])
        guard let cert = reader.next(), cert.tag == 0x30 else { return nil }
        var certReader = DERReader(bytes: cert.content)
        guard let tbs = certReader.next(), tbs.tag == 0x30 else { return nil }
        var fields = DERReader(bytes: tbs.content)
        var items: [DERReader.Element] = []
        while let e = fields.next() { items.append(e) }
        // [0] version is optional; then serial, signature, issuer, validity, subject.
        let offset = items.first?.tag == 0xA0 ? 1 : 0
        guard items.count > offset + 4 else { return nil }
        let subject = items[offset + 4]
        guard subject.tag == 0x30 else { return nil }
        var found: String?
        var rdns = DERReader(bytes: subject.content)
        while let set = rdns.next() {
            var attrs = DERReader(bytes: set.content)
            while let attr = attrs.next() {
                var pair = DERReader(bytes: attr.content)
                guard let oid = pair.next(), oid.tag == 0x06, let value = pair.next() else { continue }
                if Array(oid.content) == commonNameOID {
                    found = String(decoding: value.content, as: UTF8.self)
                }
            }
        }
        return found
    }
}

/// A forward-only reader of DER tag-length-value elements.
struct DERReader {
    struct Element {
        var tag: UInt8
        var content: ArraySlice<UInt8>
    }

    var bytes: ArraySlice<UInt8>

    mutating func next() -> Element? {
        guard bytes.count >= 2 else { return nil }
        var i = bytes.startIndex
        let tag = bytes[i]
        i += 1
        var length = Int(bytes[i])
        i += 1
        if length & 0x80 != 0 {
            let count = length & 0x7F
            guard count > 0, count <= 4, bytes.endIndex - i >= count else { return nil }
            length = 0
            for _ in 0..<count {
                length = length << 8 | Int(bytes[i])
                i += 1
            }
        }
        guard length >= 0, bytes.endIndex - i >= length else { return nil }
        let content = bytes[i..<(i + length)]
        bytes = bytes[(i + length)...]
        return Element(tag: tag, content: content)
    }
}

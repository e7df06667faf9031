import Foundation

/// Test and development certificates, made with the `openssl` command-line tool: a CA, a
/// server certificate for `127.0.0.1`/`localhost`/`::1`, client certificates, and an unrelated
/// second CA for wrong-CA tests.
///
/// Guarantees: P-256 keys in PKCS#8 PEM (fast to generate; accepted by BoringSSL and libcurl's
/// OpenSSL); certificates valid from now for `validityDays`; the server certificate carries
/// `serverAuth`, client certificates `clientAuth`; files are written under the given directory
/// (created if missing) and nothing else is touched. Throws `PKIError` with openssl's stderr.
public enum StandinPKI {
    /// Long enough for any test run or benchmark session.
    public static let validityDays = 3650

    /// A certificate and its key, as files and as PEM text.
    public struct KeyPair: Sendable, Equatable {
        public var certificatePath: String
        public var keyPath: String
        public var certificatePEM: String
        public var keyPEM: String
    }

    /// Everything a TLS stand-in and its tests need.
    public struct Bundle: Sendable {
        public var directory: String
        /// Signs the server and client certificates; also the client CA.
        public var ca: KeyPair
        public var server: KeyPair
        /// A CA that signed nothing the server trusts or presents.
        public var otherCA: KeyPair
        /// Client certificates by CN.
        public var clients: [String: KeyPair]

        /// Server TLS options: this bundle's server certificate, and its CA as the client CA
        /// when `clientCertificates` is true.
        public func serverTLS(clientCertificates: Bool = true) -> StandinServer.TLSOptions {
            StandinServer.TLSOptions(certificatePath: server.certificatePath, keyPath: server.keyPath,
                                     clientCAPath: clientCertificates ? ca.certificatePath : nil,
                                     certificateAuthorityPath: ca.certificatePath)
        }
    }

    public struct PKIError: Error, CustomStringConvertible {
        public var description: String
    }

    /// Generates a CA, a server certificate, a second CA and one client certificate per name in
    /// `clients` into `directory`.
    public static func generate(into directory: String, clients: [String] = []) throws -> Bundle {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let ca = try makeCA(named: "ca", commonName: "kube-standin-ca", in: directory)
        let other = try makeCA(named: "other-ca", commonName: "unrelated-ca", in: directory)
        let server = try makeSigned(named: "server", subject: "/CN=kube-standin", signer: ca, in: directory,
                                    extensions: "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\n")
        var bundle = Bundle(directory: directory, ca: ca, server: server, otherCA: other, clients: [:])
        for name in clients {
            bundle.clients[name] = try makeClientCertificate(commonName: name, signedBy: ca, in: directory)
        }
        return bundle
    }

    /// A client certificate whose subject CN (the Kubernetes user name) is `commonName`.
    public static func makeClientCertificate(commonName: String, organization: String? = nil, signedBy ca: KeyPair, in directory: String) throws -> KeyPair {
        let safe = commonName.map { $0.isLetter || $0.isNumber || $0 == "-" ? $0 : "_" }
        var subject = "/CN=\(escapeSubject(commonName))"
        if let organization { subject = "/O=\(escapeSubject(organization))" + subject }
        return try makeSigned(named: "client-\(String(safe))", subject: subject, signer: ca, in: directory,
                              extensions: "extendedKeyUsage=clientAuth\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\n")
    }

    static func makeCA(named name: String, commonName: String, in dir: String) throws -> KeyPair {
        let cert = "\(dir)/\(name).crt", key = "\(dir)/\(name).key"
        try openssl(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", key, "-out", cert, "-days", String(validityDays), "-subj", "/CN=\(commonName)",
                     "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        return try load(cert, key)
    }

    static func makeSigned(named name: String, subject: String, signer: KeyPair, in dir: String, extensions: String) throws -> KeyPair {
        let cert = "\(dir)/\(name).crt", key = "\(dir)/\(name).key", csr = "\(dir)/\(name).csr", ext = "\(dir)/\(name).ext"
        try openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                     "-keyout", key, "-out", csr, "-subj", subject])
        try extensions.write(toFile: ext, atomically: true, encoding: .utf8)
        try openssl(["x509", "-req", "-in", csr, "-CA", signer.certificatePath, "-CAkey", signer.keyPath,
                     "-set_serial", String(UInt64.random(in: 1...UInt64(Int64.max))), "-days", String(validityDays),
                     "-extfile", ext, "-out", cert])
        try? FileManager.default.removeItem(atPath: csr)
        try? FileManager.default.removeItem(atPath: ext)
        return try load(cert, key)
    }

    static func load(_ cert: String, _ key: String) throws -> KeyPair {
        KeyPair(certificatePath: cert, keyPath: key,
                certificatePEM: try String(contentsOfFile: cert, encoding: .utf8),
                keyPEM: try String(contentsOfFile: key, encoding: .utf8))
    }

    /// `/` and `\` are separators in openssl's `-subj` syntax.
    static func escapeSubject(_ s: String) -> String {
        s.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "/", with: "\\/")
    }

    static func openssl(_ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["openssl"] + arguments
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw PKIError(description: "cannot run openssl (is it installed and on PATH?): \(error)")
        }
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw PKIError(description: "openssl \(arguments.prefix(2).joined(separator: " ")) failed (\(process.terminationStatus)): \(String(decoding: stderr, as: UTF8.self))")
        }
    }
}

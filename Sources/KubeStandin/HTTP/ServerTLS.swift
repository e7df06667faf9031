import NIOSSL

/// Builds the server's TLS context from PEM files.
///
/// Guarantees: ALPN offers `h2` (when asked) and `http/1.1`; with a client CA, client
/// certificates are requested and verified when presented but not required, so bearer-token
/// clients can still connect (kube-apiserver's `--client-ca-file` behaves the same); a
/// certificate from another CA fails the handshake.
enum ServerTLS {
    static func makeContext(_ tls: StandinServer.TLSOptions, http2: Bool) throws -> NIOSSLContext {
        let chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        config.applicationProtocols = http2 ? ["h2", "http/1.1"] : ["http/1.1"]
        if let ca = tls.clientCAPath {
            config.certificateVerification = .optionalVerification
            config.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(ca))
            config.sendCANameList = true
        }
        return try NIOSSLContext(configuration: config)
    }
}

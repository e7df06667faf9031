import Foundation

/// Writes a kubeconfig (one cluster, one user, one context, all named `kube-standin`) that
/// points at a server.
///
/// Guarantees: every string is a YAML double-quoted scalar (no quoting surprises); the CA and
/// client credentials are embedded as base64 `*-data` fields, so the file stands alone; with no
/// token and no client certificate the user entry is empty (anonymous).
public enum KubeconfigWriter {
    static let name = "kube-standin"

    public static func render(server: String, certificateAuthorityPEM: Data? = nil, user: String = "standin-user", token: String? = nil,
                              clientCertificatePEM: String? = nil, clientKeyPEM: String? = nil, namespace: String = "default") -> String {
        var cluster = "    server: \(JSONText.quote(server))\n"
        if let ca = certificateAuthorityPEM {
            cluster += "    certificate-authority-data: \(ca.base64EncodedString())\n"
        }
        var userFields = ""
        if let token { userFields += "    token: \(JSONText.quote(token))\n" }
        if let cert = clientCertificatePEM, let key = clientKeyPEM {
            userFields += "    client-certificate-data: \(Data(cert.utf8).base64EncodedString())\n"
            userFields += "    client-key-data: \(Data(key.utf8).base64EncodedString())\n"
        }
        if userFields.isEmpty { userFields = "    {}\n" }
        return """
        apiVersion: v1
        kind: Config
        clusters:
        - name: \(name)
          cluster:
        \(cluster)contexts:
        - name: \(name)
          context:
            cluster: \(name)
            user: \(JSONText.quote(user))
            namespace: \(JSONText.quote(namespace))
        current-context: \(name)
        users:
        - name: \(JSONText.quote(user))
          user:
        \(userFields)
        """
    }
}

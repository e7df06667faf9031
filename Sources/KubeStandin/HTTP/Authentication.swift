import Foundation

/// Who a request comes from, decided the way kube-apiserver's union authenticator does: a
/// verified client certificate first (its subject CN is the user), then a bearer token.
///
/// Guarantees: when authentication is not required every request passes with no user; when it
/// is, a request with neither a known token nor a verified certificate gets exactly the 401 a
/// real API server sends (`unauthorizedBody`, transcript 22); an unknown token is a failure even
/// if other tokens are configured (no anonymous fallback).
struct Authenticator: Sendable {
    enum Outcome: Sendable, Equatable {
        /// Authentication is off.
        case anonymous
        case user(String)
        case unauthorized
    }

    /// bearer token → user name.
    let tokens: [String: String]
    let required: Bool

    func authenticate(authorization: String?, certificateUser: String?) -> Outcome {
        guard required else { return .anonymous }
        if let certificateUser, !certificateUser.isEmpty { return .user(certificateUser) }
        guard let authorization else { return .unauthorized }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return .unauthorized }
        let token = parts[1].trimmingWhitespace
        guard let user = tokens[token] else { return .unauthorized }
        return .user(user)
    }

    /// The body of a real kube-apiserver's 401 (157 bytes, pretty-printed, no trailing newline).
    static let unauthorizedBody = Data("""
    {
      "kind": "Status",
      "apiVersion": "v1",
      "metadata": {},
      "status": "Failure",
      "message": "Unauthorized",
      "reason": "Unauthorized",
      "code": 401
    }
    """.utf8)

    static var unauthorizedResponse: StandinResponse {
        .full(status: 401, headers: [("Content-Type", "application/json")], body: unauthorizedBody)
    }
}

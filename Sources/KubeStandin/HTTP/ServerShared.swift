import Dispatch

/// What every connection of one `StandinServer` shares. Immutable; its parts are thread-safe.
struct ServerShared: Sendable {
    let backend: any StandinBackend
    let authenticator: Authenticator
    /// Whether a verified client certificate authenticates its CN (a client CA is configured).
    let clientCertificates: Bool
    let access: AccessRules
    let connections: ConnectionRegistry
    /// Where `backend.handle` runs: off the event loops, since the core may block on its lock.
    let work: DispatchQueue
    let dropConnections: @Sendable () -> Void
}

import KubeStandin

/// The core's API server with the command line's history size.
func makeBackend(historySize: Int) -> APIServer {
    APIServer(options: APIServer.Options(historySize: historySize))
}

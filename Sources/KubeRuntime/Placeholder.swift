// Placeholder until the KubeRuntime issue lands.

// Placeholder until the KubeStandin issue lands.

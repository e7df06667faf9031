// Placeholder until the KubeClient issue lands.

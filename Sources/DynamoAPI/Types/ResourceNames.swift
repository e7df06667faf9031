/// Resource-name mapping for component `resources`.
public enum ResourceNames {
    /// The shorthand users write for NVIDIA GPUs.
    public static let gpuShorthand = "gpu"
    public static let nvidiaGPU = "nvidia.com/gpu"

    /// `gpu` → `nvidia.com/gpu`; other names pass through.
    public static func canonicalKey(_ key: String) -> String { key == gpuShorthand ? nvidiaGPU : key }
}

/// JSON merge patch (RFC 7386), as `application/merge-patch+json` applies it.
extension JSONValue {
    /// Returns this document with `patch` merged in: objects merge recursively, `null` deletes a key,
    /// anything else (arrays included) replaces.
    public func applyingMergePatch(_ patch: JSONValue) -> JSONValue {
        guard case .object(let p) = patch else { return patch }
        var target = objectValue ?? [:]
        for (k, v) in p {
            if v.isNull {
                target.removeValue(forKey: k)
            } else {
                target[k] = (target[k] ?? .null).applyingMergePatch(v)
            }
        }
        return .object(target)
    }

    /// The merge patch that turns `from` into `self` (objects diffed recursively, other values replaced).
    public func mergePatch(from old: JSONValue) -> JSONValue? {
        guard case .object(let new) = self, case .object(let prev) = old else {
            return self == old ? nil : self
        }
        var patch: [String: JSONValue] = [:]
        for (k, v) in new {
            if let o = prev[k] {
                if let sub = v.mergePatch(from: o) { patch[k] = sub }
            } else {
                patch[k] = v
            }
        }
        for k in prev.keys where new[k] == nil { patch[k] = .null }
        return patch.isEmpty ? nil : .object(patch)
    }
}

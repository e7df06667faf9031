extension StringProtocol where SubSequence == Substring {
    /// The text without leading and trailing white space (Unicode's, as Go's `strings.TrimSpace`
    /// sees it): header values, selector terms, a container's image. Foundation's
    /// `trimmingCharacters(in:)` bridges through NSString on Linux: it was a sixth of the CPU of a
    /// status write, whose content type it trimmed.
    var trimmingWhitespace: String {
        let tail = self[...].drop(while: \.isWhitespace)
        guard let last = tail.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(tail[...last])
    }
}

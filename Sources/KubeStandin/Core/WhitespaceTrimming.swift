extension StringProtocol where SubSequence == Substring {
    /// The text without leading and trailing white space (Unicode's, as Go's `strings.TrimSpace`
    /// sees it): selector terms, bearer tokens, a container's image. In place of Foundation's
    /// `trimmingCharacters(in:)`, which bridges through NSString on Linux (on the content type
    /// it was a sixth of a status write's CPU).
    var trimmingWhitespace: String {
        let tail = self[...].drop(while: \.isWhitespace)
        guard let last = tail.lastIndex(where: { !$0.isWhitespace }) else { return "" }
        return String(tail[...last])
    }
}

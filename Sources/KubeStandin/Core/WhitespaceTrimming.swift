extension StringProtocol where SubSequence == Substring {
    /// The text without leading and trailing white space (Unicode's, as Go's `strings.TrimSpace`
    /// sees it): media types, selector terms, bearer tokens, a container's image.
    ///
    /// On Unicode scalars, ASCII first: Foundation's `trimmingCharacters(in:)` bridges through
    /// NSString on Linux, and Character-level trimming runs grapheme breaking; on the content
    /// type every write parses, either was a visible share of a status write's CPU.
    var trimmingWhitespace: String {
        let scalars = self[...].unicodeScalars
        func isSpace(_ s: Unicode.Scalar) -> Bool {
            s.isASCII ? (s == " " || ("\t"..."\r").contains(s)) : s.properties.isWhitespace
        }
        guard let first = scalars.firstIndex(where: { !isSpace($0) }),
              let last = scalars.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(scalars[first...last])
    }
}

/// Splits a command line the way a POSIX shell splits words: whitespace separates, single quotes
/// keep text literally, double quotes keep whitespace and honour `\"` and `\\`, a backslash
/// outside quotes escapes the next character. No expansion of variables or globs.
public enum ShellWords {
    public struct UnterminatedQuote: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String { "unterminated quote" }
    }

    public static func split(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var it = line.makeIterator()
        while let ch = it.next() {
            switch ch {
            case " ", "\t", "\n", "\r":
                if inWord { words.append(current); current = ""; inWord = false }
            case "'":
                inWord = true
                var closed = false
                while let c = it.next() { if c == "'" { closed = true; break }; current.append(c) }
                if !closed { throw UnterminatedQuote() }
            case "\"":
                inWord = true
                var closed = false
                while let c = it.next() {
                    if c == "\"" { closed = true; break }
                    if c == "\\", let n = it.next() {
                        if n == "\"" || n == "\\" || n == "$" || n == "`" { current.append(n) } else { current.append(c); current.append(n) }
                        continue
                    }
                    current.append(c)
                }
                if !closed { throw UnterminatedQuote() }
            case "\\":
                inWord = true
                if let n = it.next() { current.append(n) }
            default:
                inWord = true
                current.append(ch)
            }
        }
        if inWord { words.append(current) }
        return words
    }
}

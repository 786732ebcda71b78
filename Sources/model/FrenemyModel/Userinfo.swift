/// Credentials written into URLs (`https://user:password@host/`) are cut out of every text
/// frenemy prints: logs, the journal, API answers and error messages. Applied where text leaves
/// the process, so a URL quoted in any message is covered, not only those someone remembered.
public enum Userinfo {
    /// `text` with the userinfo of every `scheme://user[:password]@` replaced by `…@`.
    public static func redacted(_ text: String) -> String {
        guard text.contains("@"), text.contains("://") else { return text }
        var out = ""
        var rest = Substring(text)
        while let scheme = rest.range(of: "://") {
            out += rest[..<scheme.upperBound]
            rest = rest[scheme.upperBound...]
            // The authority ends at the first '/', '?', '#' or whitespace; userinfo ends at its last '@'.
            let end =
                rest.firstIndex { "/?#".contains($0) || $0.isWhitespace || $0 == "\"" || $0 == "'" } ?? rest.endIndex
            let authority = rest[..<end]
            if let at = authority.lastIndex(of: "@") {
                out += "…@"
                rest = rest[rest.index(after: at)...]
            }
        }
        return out + rest
    }
}

import Foundation

/// One story reached through two feeds should be one item. Publishers decorate links with
/// tracking parameters, fragments and AMP variants, so the same article arrives under many
/// URLs; this reduces a link to the form a dedup key should use. The result is still a working
/// URL in practice, but it is a key, not a promise: the item keeps the link the feed gave.
public enum LinkCanonicalizer {
    /// Query parameters that only track the reader (removed case-insensitively; `utm_*` by prefix).
    public static let trackingParameters: Set<String> = [
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "mc_cid", "mc_eid", "igshid",
        "_hsenc", "_hsmi", "mkt_tok", "ncid", "ocid", "cmpid", "smid", "ref_src", "ref_url", "taid", "sr_share",
        "__twitter_impression", "_ga", "guccounter", "guce_referrer", "guce_referrer_sig", "amp", "outputtype",
    ]

    /// The canonical form of an absolute http(s) link; anything else comes back unchanged.
    /// Lower-cases scheme and host, drops default ports, the fragment, tracking parameters and
    /// AMP decorations (`/amp` path suffixes, `.amp.html`, AMP cache and Google AMP viewer URLs).
    public static func canonical(_ link: String) -> String {
        if isAlreadyCanonical(link) { return link }
        guard var c = URLComponents(string: link.trimmedWS),
            let scheme = c.scheme?.lowercased(), scheme == "http" || scheme == "https", let host = c.host, !host.isEmpty
        else { return link }
        if let unwrapped = unwrapAMPViewer(c) { return canonical(unwrapped) }
        c.scheme = scheme
        c.host = host.lowercased()
        if (scheme == "http" && c.port == 80) || (scheme == "https" && c.port == 443) { c.port = nil }
        c.fragment = nil
        if let items = c.percentEncodedQueryItems {
            let kept = items.filter { item in
                let name = item.name.lowercased()
                return !name.hasPrefix("utm_") && !trackingParameters.contains(name)
            }
            c.percentEncodedQueryItems = kept.isEmpty ? nil : kept
        }
        var path = c.percentEncodedPath
        for suffix in ["/amp/", "/amp"] where path.lowercased().hasSuffix(suffix) && path.count > suffix.count {
            path = String(path.dropLast(suffix.count)) + (suffix.hasSuffix("/") ? "/" : "")
            break
        }
        if path.lowercased().hasSuffix(".amp.html") { path = String(path.dropLast(9)) + ".html" }
        if path.isEmpty { path = "/" }
        c.percentEncodedPath = path
        return c.string ?? link
    }

    /// Most links need no work; URLComponents is slow, so rule that out cheaply first:
    /// http(s), lower-case host without a port, no query or fragment, no AMP marks.
    static func isAlreadyCanonical(_ link: String) -> Bool {
        let u = Array(link.utf8)
        let schemeEnd: Int
        if u.starts(with: Array("https://".utf8)) {
            schemeEnd = 8
        } else if u.starts(with: Array("http://".utf8)) {
            schemeEnd = 7
        } else {
            return false
        }
        var i = schemeEnd
        while i < u.count, u[i] != UInt8(ascii: "/") {
            let c = u[i]
            if (c >= 0x41 && c <= 0x5A) || c == UInt8(ascii: ":") || c == UInt8(ascii: "?") || c == UInt8(ascii: "#")
                || c <= 0x20
            {
                return false
            }
            i += 1
        }
        guard i < u.count, i > schemeEnd else { return false }
        if u[i...].contains(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 <= 0x20 }) {
            return false
        }
        // Anything that might be an AMP form or a Google viewer takes the full path.
        let lower = u.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        for needle in ["/amp", ".amp.", "ampproject", "google."] where contains(lower, Array(needle.utf8)) {
            return false
        }
        return true
    }

    static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count, let first = needle.first else { return false }
        var i = 0
        while i + needle.count <= hay.count {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// `https://www.google.com/amp/s/example.com/x` and
    /// `https://example-com.cdn.ampproject.org/c/s/example.com/x` both stand for `https://example.com/x`.
    static func unwrapAMPViewer(_ c: URLComponents) -> String? {
        let host = c.host?.lowercased() ?? ""
        let path = c.percentEncodedPath
        var rest: Substring?
        if host.hasSuffix(".cdn.ampproject.org") {
            let parts = path.split(separator: "/", maxSplits: 2, omittingEmptySubsequences: true)
            // /c/s/host/path (https) or /c/host/path (http); /v/ and /i/ are viewer and image forms.
            if parts.count >= 2, parts[0].count == 1 { rest = path.dropFirst(parts[0].count + 2) }
        } else if host.hasPrefix("www.google.") || host == "google.com", path.hasPrefix("/amp/") {
            rest = path.dropFirst(5)
        }
        guard var target = rest, !target.isEmpty else { return nil }
        var scheme = "http"
        if target.hasPrefix("s/") {
            scheme = "https"
            target = target.dropFirst(2)
        }
        guard target.contains("."), !target.hasPrefix("/") else { return nil }
        let query = c.percentEncodedQuery.map { "?" + $0 } ?? ""
        return scheme + "://" + target + query
    }
}

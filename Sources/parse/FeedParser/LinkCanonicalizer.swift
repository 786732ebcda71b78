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
        var copy = link
        switch copy.withUTF8(byteCanonical) {
        case .unchanged: return link
        case .rewritten(let canonical): return canonical
        case .undecided: return componentsCanonical(link)
        }
    }

    enum Outcome: Equatable {
        case unchanged
        case rewritten(String)
        /// Not the common shape; `URLComponents` decides.
        case undecided
    }

    /// The canonical form computed on the bytes, for links of the common shape: `http(s)://`,
    /// a host with an optional port and no user info, only characters URLs allow unescaped.
    /// Every link an item has goes through here, and `URLComponents` took a tenth of parse time;
    /// the rest (AMP viewers, IPv6 hosts, odd ports, stray characters) goes to
    /// `componentsCanonical`, which a test keeps in agreement with this path.
    static func byteCanonical(_ u: UnsafeBufferPointer<UInt8>) -> Outcome {
        let n = u.count
        var changed = false
        let schemeEnd: Int
        if hasPrefix(u, 0, "https://") {
            schemeEnd = 8
        } else if hasPrefix(u, 0, "http://") {
            schemeEnd = 7
        } else {
            return .undecided
        }
        for k in 0..<(schemeEnd - 3) where u[k] >= 0x41 && u[k] <= 0x5A { changed = true }
        var hashes = 0
        for k in 0..<n {
            let b = u[k]
            guard isPlainURLByte(b) else { return .undecided }
            if b == UInt8(ascii: "#") { hashes += 1 }
            // Percent escapes must be well formed; URLComponents refuses the rest.
            if b == UInt8(ascii: "%"), !(k + 2 < n && isHexDigit(u[k + 1]) && isHexDigit(u[k + 2])) {
                return .undecided
            }
        }
        guard hashes <= 1 else { return .undecided }
        // Authority: host and optional port, up to the path, query or fragment.
        var i = schemeEnd
        var colon: Int?
        while i < n, u[i] != UInt8(ascii: "/"), u[i] != UInt8(ascii: "?"), u[i] != UInt8(ascii: "#") {
            switch u[i] {
            case UInt8(ascii: "@"), UInt8(ascii: "%"): return .undecided
            case UInt8(ascii: ":"):
                if colon != nil { return .undecided }
                colon = i
            case 0x41...0x5A: changed = true
            default: break
            }
            i += 1
        }
        let authorityEnd = i
        let hostEnd = colon ?? authorityEnd
        guard hostEnd > schemeEnd else { return .undecided }
        var keepPort = false
        if let colon {
            let digits = (colon + 1)..<authorityEnd
            guard !digits.isEmpty, digits.count <= 5, u[colon + 1] != UInt8(ascii: "0"),
                u[digits].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
            else { return .undecided }
            let port = u[digits].reduce(0) { $0 * 10 + Int($1 - 0x30) }
            keepPort = port != (schemeEnd == 8 ? 443 : 80)
            if !keepPort { changed = true }
        }
        let host = schemeEnd..<hostEnd
        if endsWith(u, host, ".cdn.ampproject.org") { return .undecided }
        // Path, then query, then fragment.
        while i < n, u[i] != UInt8(ascii: "?"), u[i] != UInt8(ascii: "#") { i += 1 }
        var path = authorityEnd..<i
        if hasPrefix(u, path.lowerBound, "/amp/"),
            hasPrefix(u, host.lowerBound, "www.google.") || equals(u, host, "google.com")
        {
            return .undecided
        }
        var pathSuffix: StaticString = ""
        if path.count > 5, endsWith(u, path, "/amp/") {
            path = path.lowerBound..<(path.upperBound - 4)
            changed = true
        } else if path.count > 4, endsWith(u, path, "/amp") {
            path = path.lowerBound..<(path.upperBound - 4)
            changed = true
        }
        if endsWith(u, path, ".amp.html") {
            path = path.lowerBound..<(path.upperBound - 9)
            pathSuffix = ".html"
            changed = true
        }
        if path.isEmpty { changed = true }
        var query: Range<Int>?
        if i < n, u[i] == UInt8(ascii: "?") {
            let start = i + 1
            i = start
            while i < n, u[i] != UInt8(ascii: "#") { i += 1 }
            guard i > start else { return .undecided }
            query = start..<i
        }
        if i < n { changed = true }  // a fragment
        // Query parameters, minus the ones that only track the reader.
        var kept: [Range<Int>] = []
        if let query {
            var start = query.lowerBound
            while start <= query.upperBound {
                var end = start
                while end < query.upperBound, u[end] != UInt8(ascii: "&") { end += 1 }
                if isTracking(u, start..<end) { changed = true } else { kept.append(start..<end) }
                start = end + 1
            }
        }
        guard changed else { return .unchanged }
        var out: [UInt8] = []
        out.reserveCapacity(n)
        for k in 0..<authorityEnd where !(k >= hostEnd && !keepPort) { out.append(lower(u[k])) }
        if path.isEmpty { out.append(UInt8(ascii: "/")) } else { out.append(contentsOf: u[path]) }
        out.append(contentsOf: UnsafeBufferPointer(start: pathSuffix.utf8Start, count: pathSuffix.utf8CodeUnitCount))
        for (index, parameter) in kept.enumerated() {
            out.append(index == 0 ? UInt8(ascii: "?") : UInt8(ascii: "&"))
            out.append(contentsOf: u[parameter])
        }
        return .rewritten(String(decoding: out, as: UTF8.self))
    }

    /// Whether `name=value` (or a bare `name`) is a tracking parameter.
    static func isTracking(_ u: UnsafeBufferPointer<UInt8>, _ parameter: Range<Int>) -> Bool {
        var end = parameter.lowerBound
        while end < parameter.upperBound, u[end] != UInt8(ascii: "=") { end += 1 }
        let name = parameter.lowerBound..<end
        if hasPrefix(u, name.lowerBound, "utm_"), name.count >= 4 { return true }
        guard name.count <= 32, name.count > 1 else { return false }
        return trackingParameters.contains(
            String(decoding: UnsafeBufferPointer(rebasing: u[name]), as: UTF8.self).lowercased())
    }

    /// Characters that `URLComponents` accepts unescaped anywhere in an http URL.
    @inline(__always)
    static func isPlainURLByte(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"),
            UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "="), UInt8(ascii: "+"),
            UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "!"),
            UInt8(ascii: "$"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"):
            return true
        case UInt8(ascii: "%"):
            return true  // checked for two hex digits by the caller
        default:
            return false
        }
    }

    static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (lower(b) >= 0x61 && lower(b) <= 0x66)
    }

    @inline(__always)
    static func lower(_ b: UInt8) -> UInt8 { b >= 0x41 && b <= 0x5A ? b | 0x20 : b }

    /// Case-insensitive prefix test at `at`.
    static func hasPrefix(_ u: UnsafeBufferPointer<UInt8>, _ at: Int, _ prefix: StaticString) -> Bool {
        let len = prefix.utf8CodeUnitCount
        guard at + len <= u.count else { return false }
        for k in 0..<len where lower(u[at + k]) != prefix.utf8Start[k] { return false }
        return true
    }

    static func endsWith(_ u: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ suffix: StaticString) -> Bool {
        r.count >= suffix.utf8CodeUnitCount && hasPrefix(u, r.upperBound - suffix.utf8CodeUnitCount, suffix)
    }

    static func equals(_ u: UnsafeBufferPointer<UInt8>, _ r: Range<Int>, _ word: StaticString) -> Bool {
        r.count == word.utf8CodeUnitCount && hasPrefix(u, r.lowerBound, word)
    }

    /// The general path, on `URLComponents`: any link `byteCanonical` leaves undecided.
    static func componentsCanonical(_ link: String) -> String {
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

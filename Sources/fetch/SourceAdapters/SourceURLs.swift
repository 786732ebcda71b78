import Foundation

/// Builds the request URLs of the search and filing APIs. Operators write a query, not a URL:
/// these APIs change parameters rarely but punish mistakes (GDELT answers a bad URL with an
/// HTML page, Google News with an empty feed), so the exact shapes live in one tested place.
public enum SourceURL {
    /// Google News RSS search. `query` nil gives the search endpoint without `q`, only for
    /// display (a watch-pairs source before the watchlist is known).
    public static func googleNews(query: String?, language: String = "en", country: String = "US") -> String {
        let lang = language.lowercased()
        let region = country.uppercased()
        var parts: [(String, String)] = []
        if let query { parts.append(("q", query)) }
        parts += [("hl", "\(lang)-\(region)"), ("gl", region), ("ceid", "\(region):\(lang)")]
        return "https://news.google.com/rss/search?" + encode(parts)
    }

    /// EDGAR's feed of the latest 8-K filings from every company.
    public static let edgarCurrent8K =
        "https://www.sec.gov/cgi-bin/browse-edgar?action=getcurrent&type=8-K&company=&dateb=&owner=include"
        + "&start=0&count=40&output=atom"

    /// EDGAR's 8-K filings of one company. `cik` is the SEC's Central Index Key (digits).
    public static func edgarCompany8K(cik: String) -> String {
        "https://www.sec.gov/cgi-bin/browse-edgar?action=getcompany&" + encode([("CIK", cik)])
            + "&type=8-K&dateb=&owner=include&count=40&output=atom"
    }

    /// GDELT DOC 2.0 article list, newest first. `query` nil only for display, as above.
    public static func gdelt(query: String?) -> String {
        var parts: [(String, String)] = []
        if let query { parts.append(("query", query)) }
        parts += [("mode", "ArtList"), ("format", "json"), ("maxrecords", "75"), ("sort", "DateDesc")]
        return "https://api.gdeltproject.org/api/v2/doc/doc?" + encode(parts)
    }

    /// Hacker News stories matching `query`, newest first (Algolia's search_by_date).
    public static func hackerNews(query: String) -> String {
        "https://hn.algolia.com/api/v1/search_by_date?"
            + encode([("query", query), ("tags", "story"), ("hitsPerPage", "50")])
    }

    /// Percent-encodes a query string strictly: only RFC 3986 unreserved characters (and `:`,
    /// harmless in a query and what Google's `ceid=US:en` spells) stay bare, so quotes, `&`,
    /// `+`, `#` and non-ASCII letters in a query can never change its meaning.
    static func encode(_ parts: [(String, String)]) -> String {
        parts.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let bare =
                (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                || byte == 0x2D || byte == 0x2E || byte == 0x5F || byte == 0x7E || byte == 0x3A
            if bare {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                out += String(format: "%%%02X", byte)
            }
        }
        return out
    }
}

/// Search queries generated from the watchlist: one per vendor × competitor pair, so an
/// operator writes the watchlist once instead of a query per pair, and a new vendor is
/// searched for as soon as the rules reload.
public struct WatchPairQueries: Sendable, Equatable {
    /// Quoted pair queries, e.g. `"Scale AI" "Meta Platforms"`, in watchlist order.
    public var queries: [String]
    /// Why some pairs were left out (the cap, names that cannot be searched).
    public var warnings: [String]

    /// Beyond this many pairs a source would need minutes per cycle on rate-limited APIs
    /// (GDELT: 200 pairs × 5 s = 17 min), so the rest are dropped with a warning.
    public static let defaultCap = 200

    /// Pairs each vendor with each competitor. Names are deduplicated case-insensitively, an
    /// entity that is both vendor and competitor is not paired with itself, and `extra` (the
    /// source's own `query:`, if any) is appended to every pair to narrow it, e.g. `(deal OR contract)`.
    public init(vendors: [String], competitors: [String], extra: String? = nil, cap: Int = WatchPairQueries.defaultCap)
    {
        var warnings: [String] = []
        let vendorNames = Self.clean(vendors, warnings: &warnings)
        let competitorNames = Self.clean(competitors, warnings: &warnings)
        let suffix = extra.map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : " " + $0 } ?? ""
        var queries: [String] = []
        var total = 0
        for vendor in vendorNames {
            for competitor in competitorNames where vendor.lowercased() != competitor.lowercased() {
                total += 1
                if queries.count < cap { queries.append("\"\(vendor)\" \"\(competitor)\"" + suffix) }
            }
        }
        if total > cap {
            warnings.append(
                "watch_pairs: \(vendorNames.count) vendors × \(competitorNames.count) competitors make \(total) pairs;"
                    + " only the first \(cap) are searched")
        }
        if total == 0 {
            warnings.append("watch_pairs: the watchlist has no vendor × competitor pair to search for")
        }
        self.queries = queries
        self.warnings = warnings
    }

    /// Trims names, drops double quotes (they would end the quoted phrase early) and duplicates.
    private static func clean(_ names: [String], warnings: inout [String]) -> [String] {
        var seen = Set<String>()
        var out: [String] = []
        for raw in names {
            let name = raw.replacingOccurrences(of: "\"", with: " ").split(whereSeparator: \.isWhitespace)
                .joined(separator: " ")
            if name.isEmpty {
                warnings.append("watch_pairs: skipped an empty entity name")
                continue
            }
            if seen.insert(name.lowercased()).inserted { out.append(name) }
        }
        return out
    }
}

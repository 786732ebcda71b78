public import Foundation
public import FrenemyModel

/// Entry points the daemon calls per source kind, so it needs one switch (`bodyHandling`)
/// and no knowledge of any API's quirks.
public enum SourceAdapter {
    /// Fixes up a feed that FeedParser produced from a `.feedDocument` kind's body. Plain feeds
    /// pass through untouched. Idempotent, so re-processing stored results changes nothing.
    public static func postProcess(_ feed: ParsedFeed, kind: SourceKind) -> ParsedFeed {
        switch kind {
        case .googleNews: return GoogleNews.postProcess(feed)
        case .secEdgar: return EDGAR.postProcess(feed)
        case .feed, .gdelt, .hackernews, .directory: return feed
        }
    }

    /// Decodes the body of an `.apiJSON` kind. Throws for other kinds: their bodies are feeds.
    public static func decodeJSON(_ data: Data, kind: SourceKind) throws(SourceResponseError) -> ParsedFeed {
        switch kind {
        case .gdelt: return try APIResponse.gdelt(data)
        case .hackernews: return try APIResponse.hackerNews(data)
        case .feed, .googleNews, .secEdgar, .directory:
            throw SourceResponseError(
                kind: .unexpectedShape, message: "\(kind.rawValue) answers are feeds, not API JSON")
        }
    }

    /// Joins the answers of several requests of one source (watch pairs make one per pair) into
    /// one feed. An item found by two queries is kept once (first answer wins), so the pair
    /// queries that overlap do not raise the same alert twice even before the store dedups.
    public static func merge(_ feeds: [ParsedFeed]) -> ParsedFeed {
        guard var merged = feeds.first else { return ParsedFeed(format: .rss, feed: FeedInfo(), items: []) }
        var seen = Set(merged.items.map(\.id))
        for feed in feeds.dropFirst() {
            for item in feed.items where seen.insert(item.id).inserted { merged.items.append(item) }
            merged.warnings += feed.warnings
        }
        return merged
    }
}

/// Google News RSS search results.
public enum GoogleNews {
    /// Google titles every item "Headline - Outlet". Left whole, the outlet's name is matched
    /// as if it were part of the story (an outlet called "Meta Newsroom" would bind a
    /// competitor), so the headline becomes the title and the outlet is kept as the item's
    /// only **author** (`authors = [outlet]`). The description, which Google fills with the
    /// headline again followed by the outlet, loses the outlet too, and is dropped when only
    /// the headline remains. Items that already have an author are left alone, which makes this
    /// idempotent.
    public static func postProcess(_ feed: ParsedFeed) -> ParsedFeed {
        var out = feed
        out.items = feed.items.map { item in
            // Google's items carry no author, so one means the item was already split.
            guard item.authors.isEmpty else { return item }
            var item = item
            let (headline, outlet) = splitTitle(item.title)
            guard let outlet else { return item }
            item.title = headline
            item.authors = [outlet]
            if let summary = item.summary {
                var text = PlainText.fold(summary)
                if text.hasSuffix(outlet) { text = PlainText.fold(String(text.dropLast(outlet.count))) }
                item.summary = text.isEmpty || text == headline ? nil : text
            }
            return item
        }
        return out
    }

    /// Splits at the last " - " (headlines themselves may contain one). An outlet is short and
    /// never ends in punctuation that ends a sentence; otherwise the title is left alone.
    public static func splitTitle(_ title: String) -> (headline: String, outlet: String?) {
        guard let dash = title.range(of: " - ", options: .backwards) else { return (title, nil) }
        let headline = title[..<dash.lowerBound].trimmingCharacters(in: .whitespaces)
        let outlet = title[dash.upperBound...].trimmingCharacters(in: .whitespaces)
        guard !headline.isEmpty, !outlet.isEmpty, outlet.count <= 60, let last = outlet.last, !".?!".contains(last)
        else { return (title, nil) }
        return (headline, outlet)
    }
}

/// SEC EDGAR 8-K filings (Atom).
public enum EDGAR {
    /// The words that start the sentence added to `summary`; marks a filing as already processed.
    public static let itemsMarker = "8-K items"

    /// Form 8-K item numbers and their official names (SEC Form 8-K General Instructions B).
    /// Filings name items by number, often without the name; the names are what rules match
    /// ("Entry into a Material Definitive Agreement" is how a signed deal shows up in a filing).
    public static let itemNames: [String: String] = [
        "1.01": "Entry into a Material Definitive Agreement",
        "1.02": "Termination of a Material Definitive Agreement",
        "1.03": "Bankruptcy or Receivership",
        "1.04": "Mine Safety - Reporting of Shutdowns and Patterns of Violations",
        "1.05": "Material Cybersecurity Incidents",
        "2.01": "Completion of Acquisition or Disposition of Assets",
        "2.02": "Results of Operations and Financial Condition",
        "2.03": "Creation of a Direct Financial Obligation or an Obligation under an Off-Balance Sheet Arrangement of a"
            + " Registrant",
        "2.04":
            "Triggering Events That Accelerate or Increase a Direct Financial Obligation or an Obligation under an"
            + " Off-Balance Sheet Arrangement",
        "2.05": "Costs Associated with Exit or Disposal Activities",
        "2.06": "Material Impairments",
        "3.01": "Notice of Delisting or Failure to Satisfy a Continued Listing Rule or Standard; Transfer of Listing",
        "3.02": "Unregistered Sales of Equity Securities",
        "3.03": "Material Modification to Rights of Security Holders",
        "4.01": "Changes in Registrant's Certifying Accountant",
        "4.02":
            "Non-Reliance on Previously Issued Financial Statements or a Related Audit Report or Completed Interim"
            + " Review",
        "5.01": "Changes in Control of Registrant",
        "5.02":
            "Departure of Directors or Certain Officers; Election of Directors; Appointment of Certain Officers;"
            + " Compensatory Arrangements of Certain Officers",
        "5.03": "Amendments to Articles of Incorporation or Bylaws; Change in Fiscal Year",
        "5.04": "Temporary Suspension of Trading Under Registrant's Employee Benefit Plans",
        "5.05": "Amendments to the Registrant's Code of Ethics, or Waiver of a Provision of the Code of Ethics",
        "5.06": "Change in Shell Company Status",
        "5.07": "Submission of Matters to a Vote of Security Holders",
        "5.08": "Shareholder Director Nominations",
        "6.01": "ABS Informational and Computational Material",
        "6.02": "Change of Servicer or Trustee",
        "6.03": "Change in Credit Enhancement or Other External Support",
        "6.04": "Failure to Make a Required Distribution",
        "6.05": "Securities Act Updating Disclosure",
        "6.06": "Static Pool",
        "6.10": "Alternative Filings of Asset-Backed Issuers",
        "7.01": "Regulation FD Disclosure",
        "8.01": "Other Events",
        "9.01": "Financial Statements and Exhibits",
    ]

    /// Item numbers named in `text`, in order, each once: "Item 1.01: ...", "Items 2.02 and
    /// 9.01", "items 1.01, 5.02 and 9.01". Numbers not in `itemNames` are ignored, so a
    /// "1.5 million" never becomes an item.
    public static func itemNumbers(in text: String) -> [String] {
        var found: [String] = []
        let words = text.split(whereSeparator: { $0.isWhitespace || $0 == "," || $0 == ":" || $0 == ";" || $0 == "&" })
        var inList = false
        for word in words {
            let token = word.trimmingCharacters(in: CharacterSet(charactersIn: ".()"))
            let lower = token.lowercased()
            if lower == "item" || lower == "items" {
                inList = true
                continue
            }
            guard inList else { continue }
            if lower == "and" || lower == "or" { continue }
            let number = token
            if number.count >= 4, number.count <= 5, number.contains("."), itemNames[number] != nil {
                if !found.contains(number) { found.append(number) }
            } else {
                inList = false
            }
        }
        return found
    }

    /// Appends one sentence naming the filer and the items, "8-K items filed by Scale AI, Inc.:
    /// 1.01 Entry into a Material Definitive Agreement; 9.01 Financial Statements and
    /// Exhibits.", to each filing's summary, so a rule like "vendor + Material Definitive
    /// Agreement within a sentence" can fire on a filing (the item's own text often names
    /// neither). Adds "8-K Item 1.01"-style categories for exact filtering and makes the filer
    /// the only author (replacing EDGAR's "Webmaster"). The filer comes from the entry title of the current-filings feed ("8-K - Name
    /// (0001234567) (Filer)") or from the feed title of a per-company feed ("NAME  (0001234567)").
    /// EDGAR writes many names in capitals ("META PLATFORMS, INC."), which the case-sensitive
    /// matching of capitalised aliases would miss, so those are title-cased (`displayName`).
    public static func postProcess(_ feed: ParsedFeed) -> ParsedFeed {
        var out = feed
        let feedCompany = feed.feed.title.flatMap { companyName(fromTitle: "- " + $0) }
        out.items = feed.items.map { item in
            var item = item
            let existing = item.summary ?? ""
            guard !existing.contains(itemsMarker) else { return item }
            let company = (companyName(fromTitle: item.title) ?? feedCompany).map(displayName)
            let text = [item.title, existing, item.content ?? ""].joined(separator: " \n ")
            let numbers = itemNumbers(in: text)
            if !numbers.isEmpty {
                let names = numbers.map { "\($0) \(itemNames[$0] ?? "")" }.joined(separator: "; ")
                let filer = company.map { " filed by \($0):" } ?? ":"
                let line = "\(itemsMarker)\(filer) \(names)."
                item.summary = existing.isEmpty ? line : existing + "\n" + line
                for number in numbers where !item.categories.contains("8-K Item \(number)") {
                    item.categories.append("8-K Item \(number)")
                }
            }
            // EDGAR's only Atom author is its webmaster, which feed parsers pass on to every entry.
            if let company { item.authors = [company] }
            return item
        }
        return out
    }

    /// "8-K - Scale AI Inc (0001234567) (Filer)" → "Scale AI Inc".
    static func companyName(fromTitle title: String) -> String? {
        guard let dash = title.range(of: "- ") else { return nil }
        var name = title[dash.upperBound...].trimmingCharacters(in: .whitespaces)
        guard let cik = name.range(of: #" \(\d{10}\)"#, options: .regularExpression) else { return nil }
        name = String(name[..<cik.lowerBound]).trimmingCharacters(in: .whitespaces)
        return name.isEmpty ? nil : name
    }

    /// An all-capitals EDGAR name in title case, keeping words of up to three letters as they
    /// are (IBM, AT&T, LLC, AI) except Inc, Ltd and Co: "SCALE AI, INC." → "Scale AI, Inc.". Mixed-case names are
    /// already as the company writes them and stay unchanged.
    public static func displayName(_ name: String) -> String {
        guard name.contains(where: \.isLetter), !name.contains(where: \.isLowercase) else { return name }
        return name.split(separator: " ", omittingEmptySubsequences: true).map { word -> String in
            let letters = String(word.filter(\.isLetter))
            guard letters.count > 3 || ["INC", "LTD", "CO"].contains(letters) else { return String(word) }
            return word.prefix(1) + word.dropFirst().lowercased()
        }.joined(separator: " ")
    }
}

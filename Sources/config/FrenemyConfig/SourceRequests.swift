import Foundation
import SourceAdapters

/// What one poll of a source fetches. Most sources are one URL, but a watch-pairs source is one
/// search per vendor × competitor pair, known only once the watchlist is loaded; computing the
/// list here keeps that knowledge out of the scheduler.
public struct SourceRequestPlan: Sendable, Equatable {
    /// URLs to fetch in this order; empty for `directory` sources (read via `DirectorySpool`).
    public var urls: [String]
    /// Things the operator should hear about (pairs over the cap, a cycle longer than the interval).
    public var warnings: [String]

    public init(urls: [String], warnings: [String] = []) {
        self.urls = urls
        self.warnings = warnings
    }
}

extension SourceConfig {
    /// The requests of one poll. `vendors` and `competitors` are the watchlist's entity names
    /// (only used when `watchPairs` is set).
    public func requestPlan(vendors: [String] = [], competitors: [String] = []) -> SourceRequestPlan {
        guard watchPairs else {
            return SourceRequestPlan(urls: kind == .directory ? [] : [url])
        }
        let pairs = WatchPairQueries(vendors: vendors, competitors: competitors, extra: query)
        let urls = pairs.queries.map { pair in
            kind == .gdelt
                ? SourceURL.gdelt(query: pair)
                : SourceURL.googleNews(
                    query: pair, language: language ?? SourceConfig.defaultLanguage,
                    country: country ?? SourceConfig.defaultCountry)
        }
        var warnings = pairs.warnings.map { "source '\(name)': \($0)" }
        if let spacing = kind.politeness?.minimumSpacing, Double(urls.count) * spacing > interval {
            warnings.append(
                "source '\(name)': \(urls.count) pair queries at one per \(DurationText.format(spacing)) take longer"
                    + " than its interval of \(DurationText.format(interval)); polls will run back to back")
        }
        return SourceRequestPlan(urls: urls, warnings: warnings)
    }
}

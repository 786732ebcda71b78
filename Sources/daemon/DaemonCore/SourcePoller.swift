import FeedParser
import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Logging
import SourceAdapters
import StateStore

/// What one poll of one source found. Plain data, so polls run concurrently outside the
/// daemon actor and only their results are folded into shared state.
struct PollOutcome: Sendable {
    enum Result: Sendable {
        case fetched(ParsedFeed)
        case notModified
        case failed(String)
        /// 410 Gone: the publisher retired the feed; polling stops until the config changes.
        case gone(String)
    }
    var source: SourceConfig
    var result: Result
    var etag: String?
    var lastModified: String?
    var bodyHash: String?
    /// Set when the server moved the feed permanently (301/308).
    var movedTo: String?
    /// How long the server asked us to stay away (429/503 `Retry-After`), scoped to its host.
    var retryAfter: TimeInterval?
    /// How long the server or feed says the content stays fresh (max-age, Expires, RSS ttl).
    var freshness: TimeInterval?
    /// Where `freshness` came from, in words ("feed ttl 15m", "Cache-Control/Expires").
    var freshnessSource: String?
    /// Spool files read by this poll (directory sources).
    var spooled: [SpooledFile] = []
    var at: Date
}

/// What a poll needs to know beyond the source itself.
struct PollContext: Sendable {
    var userAgent: String
    /// Watchlist names, for `watch_pairs` sources.
    var vendors: [String] = []
    var competitors: [String] = []
}

/// Fetches and parses one source: conditional GET with the stored validators (an unchanged
/// body, same hash, counts as not modified even when the server ignores validators); search
/// APIs through their adapters with per-host spacing; local spools file by file.
struct SourcePoller: Sendable {
    let transport: any HTTPTransport
    let pacer: HostPacer
    /// At debug: every fetch (URL without userinfo, status, bytes, time, validators sent).
    var logger = Logger(label: "frenemyd")
    var maxBodyBytes = 20 * 1024 * 1024

    func poll(_ source: SourceConfig, previous: SourceState?, context: PollContext) async -> PollOutcome {
        // State kept for another URL (the operator changed it) says nothing about this one.
        let previous = previous.flatMap { $0.configuredURL == source.url ? $0 : nil }
        let now = Date()
        var outcome = PollOutcome(
            source: source, result: .notModified, etag: previous?.etag, lastModified: previous?.lastModified,
            bodyHash: previous?.bodyHash, movedTo: nil, at: now)
        if source.kind.bodyHandling == .spool {
            return pollSpool(source, outcome: outcome)
        }
        let plan = source.requestPlan(vendors: context.vendors, competitors: context.competitors)
        guard plan.urls.count != 1 || source.watchPairs else {
            return await pollOne(source, url: previous?.url ?? source.url, previous: previous, context: context)
        }
        guard !plan.urls.isEmpty else {
            outcome.result = .failed("watch_pairs: the watchlist has no vendor × competitor pair to search for")
            return outcome
        }
        var feeds: [ParsedFeed] = []
        var errors: [String] = []
        for url in plan.urls {
            let one = await pollOne(source, url: url, previous: nil, context: context)
            switch one.result {
            case .fetched(let feed): feeds.append(feed)
            case .failed(let reason), .gone(let reason): errors.append(reason)
            case .notModified: break
            }
            outcome.retryAfter = max(outcome.retryAfter ?? 0, one.retryAfter ?? 0)
        }
        if feeds.isEmpty, !errors.isEmpty {
            outcome.result = .failed("all \(plan.urls.count) queries failed; first: \(errors[0])")
            return outcome
        }
        outcome.retryAfter = nil
        var merged = SourceAdapter.merge(feeds)
        merged.warnings = plan.warnings + errors.map { "query failed: \($0)" } + merged.warnings
        outcome.result = .fetched(merged)
        return outcome
    }

    /// One HTTP fetch and decode; `previous` (validators, hash) only for single-URL sources.
    private func pollOne(_ source: SourceConfig, url: String, previous: SourceState?, context: PollContext) async
        -> PollOutcome
    {
        let now = Date()
        var outcome = PollOutcome(
            source: source, result: .notModified, etag: previous?.etag, lastModified: previous?.lastModified,
            bodyHash: previous?.bodyHash, movedTo: nil, at: now)
        var request = HTTPRequest(url: url)
        request.userAgent = context.userAgent
        request.maxBodyBytes = maxBodyBytes
        request.connectTimeout = .seconds(15)
        request.totalTimeout = .seconds(90)
        request.proxy = source.proxy
        request.caBundle = source.caBundle
        if let etag = previous?.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let modified = previous?.lastModified { request.headers.add(name: "If-Modified-Since", value: modified) }
        await pacer.wait(url: url, spacing: source.kind.politeness?.minimumSpacing)
        let validators =
            [previous?.etag.map { _ in "If-None-Match" }, previous?.lastModified.map { _ in "If-Modified-Since" }]
            .compactMap { $0 }
        let started = ContinuousClock.now
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            logger.debug(
                "fetch \(source.name): GET \(Userinfo.redacted(url)) failed after \(Self.elapsed(since: started)): \(ErrorWords.describe(error))",
                metadata: ["source": "\(source.name)"])
            outcome.result = .failed(ErrorWords.describe(error))
            return outcome
        }
        logger.debug(
            "fetch \(source.name): GET \(Userinfo.redacted(url)) -> HTTP \(response.status), \(response.body.count) bytes in \(Self.elapsed(since: started)); validators sent: \(validators.isEmpty ? "none" : validators.joined(separator: ", "))",
            metadata: ["source": "\(source.name)"])
        outcome.movedTo = response.permanentRedirectTarget
        outcome.freshness = response.freshnessLifetime(now: now).map(Self.seconds)
        if outcome.freshness != nil { outcome.freshnessSource = "the server's Cache-Control/Expires" }
        if response.status == 304 {
            return outcome
        }
        if response.status == 410 {
            outcome.result = .gone("HTTP 410 Gone from \(url): the publisher removed this feed")
            return outcome
        }
        guard (200..<300).contains(response.status) else {
            if response.status == 429 || response.status == 503 {
                outcome.retryAfter = response.retryAfter(now: now).map(Self.seconds)
            }
            outcome.result = .failed("HTTP \(response.status) from \(url)")
            return outcome
        }
        outcome.etag = response.headers["ETag"]
        outcome.lastModified = response.headers["Last-Modified"]
        let hash = StableHash.fnv1a64(bytes: response.body)
        if hash == previous?.bodyHash {
            return outcome
        }
        outcome.bodyHash = hash
        do {
            let feed = try SourceAdapter.parseBody(
                response.body, kind: source.kind, url: response.effectiveURL,
                httpCharset: Self.charset(response.headers["Content-Type"]))
            outcome.result = .fetched(feed)
            if let ttl = feed.feed.ttlMinutes, TimeInterval(ttl) * 60 > (outcome.freshness ?? 0) {
                outcome.freshness = TimeInterval(ttl) * 60
                outcome.freshnessSource = "feed ttl \(ttl)m"
            }
        } catch {
            outcome.bodyHash = previous?.bodyHash
            if error.isRateLimited { outcome.retryAfter = max(outcome.retryAfter ?? 0, 60) }
            outcome.result = .failed("\(url): \(ErrorWords.describe(error))")
        }
        return outcome
    }

    /// A spool folder: every settled file is parsed now; moving it aside happens after its
    /// items are stored (in the daemon), so a crash in between re-reads it instead of losing it.
    private func pollSpool(_ source: SourceConfig, outcome: PollOutcome) -> PollOutcome {
        var outcome = outcome
        let spool = DirectorySpool(path: source.path ?? source.url)
        let files: [URL]
        do {
            files = try spool.pending()
        } catch {
            outcome.result = .failed(ErrorWords.describe(error))
            return outcome
        }
        logger.debug(
            "spool \(source.name): \(files.count) settled file\(files.count == 1 ? "" : "s") in \(spool.path)",
            metadata: ["source": "\(source.name)"])
        guard !files.isEmpty else { return outcome }
        var feeds: [ParsedFeed] = []
        var warnings: [String] = []
        for file in files {
            do {
                let data = try spool.contents(of: file, maxBytes: maxBodyBytes)
                var feed = try DirectorySpool.parseFile(file, data: data)
                feed.warnings = feed.warnings.map { "\(file.lastPathComponent): \($0)" }
                feeds.append(feed)
                outcome.spooled.append(SpooledFile(url: file, failed: false))
            } catch {
                warnings.append(
                    "\(file.lastPathComponent): \(ErrorWords.describe(error)); moved to \(DirectorySpool.failedFolder)/"
                )
                outcome.spooled.append(SpooledFile(url: file, failed: true))
            }
        }
        var merged = feeds.isEmpty ? ParsedFeed(format: .rss, feed: FeedInfo(), items: []) : SourceAdapter.merge(feeds)
        merged.warnings = warnings + merged.warnings
        outcome.result = .fetched(merged)
        return outcome
    }

    static func elapsed(since start: ContinuousClock.Instant) -> String {
        String(format: "%.3fs", seconds(ContinuousClock.now - start))
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        TimeInterval(duration.components.seconds) + TimeInterval(duration.components.attoseconds) / 1e18
    }

    static func charset(_ contentType: String?) -> String? {
        guard let contentType else { return nil }
        for part in contentType.split(separator: ";").dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2, pair[0].lowercased() == "charset" {
                return pair[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
            }
        }
        return nil
    }
}

/// A spooled file read in this poll, to be moved aside once its items are stored.
struct SpooledFile: Sendable {
    var url: URL
    var failed: Bool
}

/// Keeps the start of requests to one host at least `spacing` apart, across all sources: the
/// search APIs rate-limit per client, not per query.
actor HostPacer {
    private var nextStart: [String: ContinuousClock.Instant] = [:]

    func wait(url: String, spacing: TimeInterval?) async {
        guard let spacing, spacing > 0, let host = URLComponents(string: url)?.host else { return }
        let now = ContinuousClock.now
        let start = max(now, nextStart[host] ?? now)
        nextStart[host] = start + .milliseconds(Int64(spacing * 1000))
        if start > now { try? await Task.sleep(until: start, clock: .continuous) }
    }
}

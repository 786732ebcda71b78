import FeedParser
import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Store

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
    var at: Date
}

/// Fetches and parses one source: conditional GET with the stored validators, and an unchanged
/// body (same hash) counts as not modified even when the server ignores validators.
struct SourcePoller: Sendable {
    let transport: any HTTPTransport
    var maxBodyBytes = 20 * 1024 * 1024

    func poll(_ source: SourceConfig, previous: SourceState?) async -> PollOutcome {
        let now = Date()
        var outcome = PollOutcome(
            source: source, result: .notModified, etag: previous?.etag, lastModified: previous?.lastModified,
            bodyHash: previous?.bodyHash, movedTo: nil, at: now)
        var request = HTTPRequest(url: previous?.url ?? source.url)
        request.userAgent = FrenemyVersion.userAgent
        request.maxBodyBytes = maxBodyBytes
        request.connectTimeout = .seconds(15)
        request.totalTimeout = .seconds(90)
        if let etag = previous?.etag { request.headers.add(name: "If-None-Match", value: etag) }
        if let modified = previous?.lastModified { request.headers.add(name: "If-Modified-Since", value: modified) }
        let response: HTTPResponse
        do {
            response = try await transport.send(request)
        } catch {
            outcome.result = .failed("\(error)")
            return outcome
        }
        outcome.movedTo = response.permanentRedirectTarget
        outcome.freshness = PollPolicy.freshness(
            cacheControl: response.headers["Cache-Control"], expires: response.headers["Expires"],
            date: response.headers["Date"], now: now)
        if response.status == 304 {
            return outcome
        }
        if response.status == 410 {
            outcome.result = .gone("HTTP 410 Gone from \(request.url): the publisher removed this feed")
            return outcome
        }
        guard (200..<300).contains(response.status) else {
            if response.status == 429 || response.status == 503 {
                outcome.retryAfter = PollPolicy.retryAfter(response.headers["Retry-After"], now: now)
            }
            outcome.result = .failed("HTTP \(response.status) from \(request.url)")
            return outcome
        }
        outcome.etag = response.headers["ETag"]
        outcome.lastModified = response.headers["Last-Modified"]
        let hash = StableHash.hex(response.body)
        if hash == previous?.bodyHash {
            return outcome
        }
        outcome.bodyHash = hash
        do {
            let feed = try FeedParser.parse(
                response.body, url: response.effectiveURL, httpCharset: Self.charset(response.headers["Content-Type"]))
            outcome.result = .fetched(feed)
            if let ttl = feed.feed.ttlMinutes {
                outcome.freshness = max(outcome.freshness ?? 0, TimeInterval(ttl) * 60)
            }
        } catch {
            outcome.bodyHash = previous?.bodyHash
            outcome.result = .failed("not a feed: \(error)")
        }
        return outcome
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

/// FNV-1a 64: a stable (unlike `Hasher`, which is seeded per process) content fingerprint for
/// "did this body change" checks; not a security boundary.
enum StableHash {
    static func hex(_ data: Data) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }
}

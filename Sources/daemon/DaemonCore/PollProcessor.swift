import AlertJournal
import FeedParser
import Foundation
import FrenemyConfig
import FrenemyModel
import Logging
import SourceAdapters
import StateStore

/// Turns one poll's outcome into the source's new state, the items it marks seen and the
/// alerts they raise, and commits all of it in one transaction (`Ingestion.ingest`). Runs in
/// the poll's own task, outside the daemon actor, so matching and SQLite never delay the
/// control socket. If the commit fails, nothing is marked seen: the next poll redoes it.
struct PollProcessor: Sendable {
    let store: any StateStore
    let journaler: AlertJournaler
    let logger: Logger
    let policy: PollPolicy
    let startedAt: Date

    /// What the daemon actor folds into its schedule.
    struct Processed: Sendable {
        var source: String
        var state: SourceState
        var raised: Int
        /// When to poll next (nil: stopped).
        var nextPoll: Date?
        /// A host that asked us to stay away, until when.
        var hostHold: (host: String, until: Date)?
        /// False when the store refused the write; the poll is retried soon.
        var stored: Bool
        /// The store's refusal, in words.
        var storeError: String? = nil
        /// Set when the wait until the next poll differs from the configured interval, and why.
        var pacing: SourcePacing? = nil
    }

    /// Retry soon when the store refused a write (disk full, locked): nothing was lost, and
    /// the condition is usually cleared by an operator.
    static let storeRetry: TimeInterval = 10

    func process(_ outcome: PollOutcome, current: SourceConfig, previous: SourceState?, pipeline: Pipeline)
        -> Processed
    {
        let source = outcome.source
        var state = previous ?? SourceState(name: source.name, url: source.url)
        if state.configuredURL != source.url {
            // New source, or the operator changed its URL: forget any earlier permanent move.
            state.url = source.url
            state.configuredURL = source.url
        }
        state.lastPollAt = outcome.at
        var batch = IngestBatch(now: outcome.at, stories: StoryRouter(pipeline))
        var hostHold: (String, Date)?
        switch outcome.result {
        case .fetched(let feed):
            recovered(&state, source: source)
            state.lastResult = feed.warnings.isEmpty ? .ok : .degraded
            state.lastError = feed.warnings.first
            state.etag = outcome.etag
            state.lastModified = outcome.lastModified
            state.bodyHash = outcome.bodyHash
            state.nextPollAt = policy.afterSuccess(
                interval: current.interval, freshnessHint: outcome.freshness, now: outcome.at)
            batch.items = newItems(feed, source: source.name, pipeline: pipeline)
            logger.debug(
                "parse \(source.name): \(feed.items.count) items, \(batch.items.count) new, \(feed.warnings.count) warnings",
                metadata: ["source": "\(source.name)"])
            logBadInput(feed, source: source)
        case .notModified:
            recovered(&state, source: source)
            state.lastResult = .notModified
            state.lastError = nil
            state.nextPollAt = policy.afterSuccess(
                interval: current.interval, freshnessHint: outcome.freshness, now: outcome.at)
        case .failed(let reason):
            state.lastResult = .failing
            state.lastError = reason
            state.consecutiveFailures += 1
            state.failingSince = state.failingSince ?? outcome.at
            state.nextPollAt = policy.afterFailure(
                interval: current.interval, failures: state.consecutiveFailures, retryAfter: outcome.retryAfter,
                now: outcome.at)
            if let retryAfter = outcome.retryAfter, let host = URLComponents(string: state.url)?.host {
                hostHold = (host, outcome.at.addingTimeInterval(retryAfter))
            }
            if state.consecutiveFailures == 1 {
                logger.warning(
                    "source \(source.name) failed: \(reason); retrying with backoff",
                    metadata: [
                        "message_id": "\(MessageIDs.trouble)", "source": "\(source.name)",
                        "url": "\(Userinfo.redacted(state.url))",
                    ])
            }
        case .gone(let reason):
            state.lastResult = .stopped
            state.lastError = reason
            state.consecutiveFailures += 1
            state.failingSince = state.failingSince ?? outcome.at
            state.nextPollAt = nil
            if state.troubleRaisedAt == nil {
                batch.alerts.append(
                    AlertBuilder.trouble(
                        .stopped, source: source.name, key: "\(Int(outcome.at.timeIntervalSince1970))",
                        message: "source \(source.name) stopped: \(reason)", pipeline: pipeline, now: outcome.at))
                state.troubleRaisedAt = outcome.at
            }
            logger.error(
                "source \(source.name) stopped: \(reason); fix or remove it in the config and reload",
                metadata: [
                    "message_id": "\(MessageIDs.trouble)", "source": "\(source.name)",
                    "url": "\(Userinfo.redacted(state.url))",
                ])
        }
        if let moved = outcome.movedTo, moved != state.url {
            logger.notice(
                "source \(source.name) moved permanently from \(Userinfo.redacted(state.url)) to \(Userinfo.redacted(moved)); polling the new address",
                metadata: ["source": "\(source.name)"])
            state.url = moved
        }
        if !batch.items.isEmpty { state.lastNewItemAt = outcome.at }
        if let trouble = health(&state, source: current, now: outcome.at, pipeline: pipeline) {
            batch.alerts.append(trouble)
        }
        batch.source = state
        let result: IngestResult
        do {
            result = try store.ingest(batch)
        } catch {
            logger.error(
                "cannot record the poll of \(source.name) in \(store.location): \(ErrorWords.describe(error)); nothing was marked seen, retrying in \(Int(Self.storeRetry))s",
                metadata: ["message_id": "\(MessageIDs.trouble)", "source": "\(source.name)"])
            return Processed(
                source: source.name, state: state, raised: 0, nextPoll: outcome.at.addingTimeInterval(Self.storeRetry),
                hostHold: hostHold, stored: false, storeError: ErrorWords.describe(error))
        }
        journaler.record(result.raised)
        setAside(outcome.spooled, source: source.name)
        return Processed(
            source: source.name, state: state, raised: result.raised.count, nextPoll: state.nextPollAt,
            hostHold: hostHold, stored: true,
            pacing: SourcePacing.of(outcome, state: state, interval: current.interval))
    }

    /// The feed's items not yet seen, each with the alerts it raises. Seen items are left
    /// out here (one query) and again by the store's insert (in case of a concurrent poll).
    private func newItems(_ feed: ParsedFeed, source: String, pipeline: Pipeline) -> [IngestItem] {
        let seen: Set<String>
        do {
            seen = try store.seenItems(source: source, itemIDs: feed.items.map(\.id))
        } catch {
            logger.error("cannot read which items of \(source) were seen: \(ErrorWords.describe(error))")
            seen = []
        }
        var fresh: Set<String> = []
        return feed.items.compactMap { item in
            guard !seen.contains(item.id), fresh.insert(item.id).inserted else { return nil }
            let built = AlertBuilder.item(item, source: source, pipeline: pipeline)
            if logger.logLevel <= .debug {
                let fired = built.alerts.map { "\($0.alert.ruleID) (\($0.alert.explanation))" }
                logger.debug(
                    "match \(source): '\(item.title)': \(fired.isEmpty ? "no rule matched" : "alerts: " + fired.joined(separator: "; "))",
                    metadata: ["source": "\(source)"])
            }
            return built
        }
    }

    /// Items a spool file dropped or skipped for bad input, each logged once with file and line
    /// (a spool file is read once, then moved aside), so the journal keeps what the two
    /// seconds of `frenemyctl sources` would lose.
    private func logBadInput(_ feed: ParsedFeed, source: SourceConfig) {
        guard source.kind.bodyHandling == .spool else { return }
        for warning in feed.warnings {
            logger.warning(
                "source \(source.name) (\(source.path ?? source.url)): \(warning)",
                metadata: ["message_id": "\(MessageIDs.trouble)", "source": "\(source.name)"])
        }
    }

    private func recovered(_ state: inout SourceState, source: SourceConfig) {
        if state.consecutiveFailures > 0 {
            logger.notice(
                "source \(source.name) recovered after \(state.consecutiveFailures) failed polls",
                metadata: ["source": "\(source.name)"])
        }
        state.lastSuccessAt = Date()
        state.consecutiveFailures = 0
        state.failingSince = nil
    }

    /// A source's trouble alert (failing or silent too long) once per episode, and a recovery
    /// notice when it ends; both go through the normal alert path.
    private func health(_ state: inout SourceState, source: SourceConfig, now: Date, pipeline: Pipeline)
        -> IngestAlert?
    {
        let event = SourceHealth.event(
            state: state, source: source, lastNewItem: state.lastNewItemAt, watchingSince: startedAt, now: now)
        let kind: AlertBuilder.Trouble
        let since: Date
        let message: String
        switch event {
        case nil:
            return nil
        case .failing(let start, let error):
            (kind, since) = (.failing, start)
            message =
                "source \(source.name) has been failing since \(RFC3339.string(from: start)) (\(state.consecutiveFailures) polls): \(error)"
        case .silent(let start):
            (kind, since) = (.silent, start)
            message =
                "source \(source.name) has published nothing new since \(RFC3339.string(from: start)), longer than its expect_update of \(DurationText.format(source.expectUpdate ?? 0))"
        case .recovered(let troubleAt):
            (kind, since) = (.recovered, troubleAt)
            message = "source \(source.name) is healthy again (trouble reported \(RFC3339.string(from: troubleAt)))"
        }
        state.troubleRaisedAt = kind == .recovered ? nil : now
        return AlertBuilder.trouble(
            kind, source: source.name, key: "\(Int(since.timeIntervalSince1970))", message: message,
            pipeline: pipeline, now: now)
    }

    /// Moves ingested spool files to `.done/` (or `.failed/`), so each is ingested once.
    private func setAside(_ files: [SpooledFile], source: String) {
        guard let folder = files.first?.url.deletingLastPathComponent().path else { return }
        let spool = DirectorySpool(path: folder)
        for file in files {
            do {
                _ = try spool.markDone(file.url, failed: file.failed)
            } catch {
                logger.error("source \(source): cannot move \(file.url.path) aside: \(ErrorWords.describe(error))")
            }
        }
    }
}

/// Why a source waits longer than its configured interval: the publisher's freshness hint
/// (RSS `<ttl>`, Cache-Control, Expires), a Retry-After, or the backoff after failures.
struct SourcePacing: Sendable, Equatable {
    var seconds: TimeInterval
    var reason: String

    static func of(_ outcome: PollOutcome, state: SourceState, interval: TimeInterval) -> SourcePacing? {
        guard let next = state.nextPollAt else { return nil }
        let wait = next.timeIntervalSince(outcome.at)
        guard wait > interval + 1 else { return nil }
        switch outcome.result {
        case .fetched, .notModified:
            return SourcePacing(seconds: wait, reason: outcome.freshnessSource ?? "the publisher's freshness hint")
        case .failed:
            if let retryAfter = outcome.retryAfter, wait <= retryAfter + 1 {
                return SourcePacing(seconds: wait, reason: "the server's Retry-After")
            }
            let n = state.consecutiveFailures
            return SourcePacing(seconds: wait, reason: "backoff after \(n) failed poll\(n == 1 ? "" : "s")")
        case .gone:
            return nil
        }
    }
}

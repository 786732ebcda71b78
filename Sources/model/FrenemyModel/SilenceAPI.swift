public import Foundation

// Silences as the control API (`/v1/silences`) and `frenemyctl silence` see them, shared by the
// server and the CLI. `docs/openapi.yaml` and `docs/silences.md` describe the same shapes.

/// Where a silence stands at a given time: not yet started, muting, or over. Derived from its
/// start and end, never stored, so a silence expires by itself when its end passes.
public enum SilenceState: String, Codable, Sendable, CaseIterable {
    case pending
    case active
    case expired

    /// The state of a silence running from `start` to `end` at `now`: active on
    /// `start <= now < end`.
    public static func at(_ now: Date, start: Date, end: Date) -> SilenceState {
        if now < start { return .pending }
        return now < end ? .active : .expired
    }
}

/// One silence: alerts whose labels satisfy every matcher, raised between `startsAt` and
/// `endsAt`, are stored and journaled but not notified. Matchers are kept as text in
/// Alertmanager's syntax (`vendor="scale-ai"`), exactly as they were validated.
public struct Silence: Codable, Sendable, Equatable {
    /// A UUID, as Alertmanager's silence ids.
    public var id: String
    public var matchers: [String]
    public var startsAt: Date
    public var endsAt: Date
    /// Who created it (`frenemyctl silence add --author`, by default the caller's user name).
    public var author: String
    public var comment: String
    public var createdAt: Date
    /// When it was last changed (created, or expired early).
    public var updatedAt: Date
    /// The state when the answer was made.
    public var state: SilenceState

    public init(
        id: String, matchers: [String], startsAt: Date, endsAt: Date, author: String, comment: String,
        createdAt: Date, updatedAt: Date? = nil, state: SilenceState? = nil
    ) {
        self.id = id
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.author = author
        self.comment = comment
        self.createdAt = createdAt
        self.updatedAt = updatedAt ?? createdAt
        self.state = state ?? SilenceState.at(createdAt, start: startsAt, end: endsAt)
    }

    enum CodingKeys: String, CodingKey {
        case id, matchers, author, comment, state
        case startsAt = "starts_at"
        case endsAt = "ends_at"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// `POST /v1/silences`: the silence to create. The end is `ends_at`, or `starts_at` (default:
/// now) plus `duration` (`14d`, `2h`, `90m`); exactly one of the two is given.
public struct SilenceRequest: Codable, Sendable, Equatable {
    public var matchers: [String]
    public var startsAt: Date?
    public var endsAt: Date?
    public var duration: String?
    public var author: String
    public var comment: String

    public init(
        matchers: [String], startsAt: Date? = nil, endsAt: Date? = nil, duration: String? = nil, author: String,
        comment: String
    ) {
        self.matchers = matchers
        self.startsAt = startsAt
        self.endsAt = endsAt
        self.duration = duration
        self.author = author
        self.comment = comment
    }

    enum CodingKeys: String, CodingKey {
        case matchers, duration, author, comment
        case startsAt = "starts_at"
        case endsAt = "ends_at"
    }
}

/// `GET /v1/silences`.
public struct SilenceList: Codable, Sendable {
    public var silences: [Silence]
    public init(silences: [Silence]) { self.silences = silences }
}

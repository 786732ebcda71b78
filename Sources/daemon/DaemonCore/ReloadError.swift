/// A refused reload: the old configuration keeps running, and these are the reasons.
public struct ReloadError: Error, CustomStringConvertible, Sendable {
    public var problems: [String]
    public init(problems: [String]) { self.problems = problems }
    public var description: String { problems.joined(separator: "\n") }
}

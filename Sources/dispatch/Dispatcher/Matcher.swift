import Foundation
public import FrenemyModel

/// One label matcher in Alertmanager's syntax: `name="value"`, `name!="value"`, `name=~"re"`,
/// `name!~"re"`. Regular expressions are anchored at both ends, as in Alertmanager, so
/// `severity=~"high|critical"` never matches "highest". Values may be quoted (with `\"`, `\\`
/// and `\n` escapes) or bare; names are `[A-Za-z_][A-Za-z0-9_]*`.
///
/// A label with several values (`tag`) matches a positive matcher when any value does, and a
/// negative one when none of its values is excluded; a missing label reads as "" as in
/// Alertmanager, so `vendor=""` means "no vendor bound".
public struct Matcher: Sendable, CustomStringConvertible {
    public enum Operation: String, Sendable {
        case equal = "="
        case notEqual = "!="
        case regex = "=~"
        case notRegex = "!~"
    }

    public let name: String
    public let operation: Operation
    public let value: String
    private let regex: Pattern?

    /// Parses one matcher; the error says what is wrong in words.
    public init(parsing text: String) throws(MatcherError) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        var name = ""
        var index = trimmed.startIndex
        while index < trimmed.endIndex, Matcher.isNameChar(trimmed[index], first: name.isEmpty) {
            name.append(trimmed[index])
            index = trimmed.index(after: index)
        }
        guard !name.isEmpty else {
            throw MatcherError("'\(text)': a matcher starts with a label name, e.g. severity=\"critical\"")
        }
        let rest = trimmed[index...].drop { $0 == " " }
        let operation: Operation
        if rest.hasPrefix("=~") {
            operation = .regex
        } else if rest.hasPrefix("!~") {
            operation = .notRegex
        } else if rest.hasPrefix("!=") {
            operation = .notEqual
        } else if rest.hasPrefix("=") {
            operation = .equal
        } else {
            throw MatcherError("'\(text)': expected =, !=, =~ or !~ after the label name '\(name)'")
        }
        let raw = rest.dropFirst(operation.rawValue.count).drop { $0 == " " }
        let value = try Matcher.unquote(String(raw), in: text)
        try self.init(name: name, operation: operation, value: value)
    }

    /// A matcher from its parts; throws when `value` is not a valid regular expression.
    public init(name: String, operation: Operation, value: String) throws(MatcherError) {
        self.name = name
        self.operation = operation
        self.value = value
        switch operation {
        case .regex, .notRegex:
            do {
                regex = Pattern(try Regex("^(?:" + value + ")$"))
            } catch {
                throw MatcherError("\(name)\(operation.rawValue)\"\(value)\": not a valid regular expression")
            }
        case .equal, .notEqual:
            regex = nil
        }
    }

    /// Whether `labels` satisfy this matcher.
    public func matches(_ labels: LabelSet) -> Bool {
        var values = labels.values(name)
        if values.isEmpty { values = [""] }
        switch operation {
        case .equal: return values.contains(value)
        case .notEqual: return !values.contains(value)
        case .regex: return values.contains { regex?.matches($0) ?? false }
        case .notRegex: return !values.contains { regex?.matches($0) ?? false }
        }
    }

    public var description: String {
        "\(name)\(operation.rawValue)\"\(value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""))\""
    }

    private static func isNameChar(_ c: Character, first: Bool) -> Bool {
        guard c.isASCII else { return false }
        if c == "_" || c.isLetter { return true }
        return !first && c.isNumber
    }

    private static func unquote(_ raw: String, in text: String) throws(MatcherError) -> String {
        guard raw.hasPrefix("\"") || raw.hasPrefix("'") else {
            guard !raw.contains(where: { $0 == "\"" || $0 == "," }) else {
                throw MatcherError("'\(text)': a value with quotes or commas must be quoted")
            }
            return raw.trimmingCharacters(in: .whitespaces)
        }
        let quote = raw.first ?? "\""
        var out = ""
        var escaped = false
        var closed = false
        for c in raw.dropFirst() {
            if closed {
                guard c == " " else { throw MatcherError("'\(text)': unexpected text after the closing quote") }
                continue
            }
            if escaped {
                switch c {
                case "n": out.append("\n")
                case "t": out.append("\t")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == quote {
                closed = true
            } else {
                out.append(c)
            }
        }
        guard closed else { throw MatcherError("'\(text)': the value's quote is never closed") }
        return out
    }
}

/// Why a matcher cannot be parsed.
public struct MatcherError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// Swift's `Regex` is not `Sendable`; a compiled matcher only ever reads it.
struct Pattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>
    init(_ regex: Regex<AnyRegexOutput>) { self.regex = regex }
    func matches(_ text: String) -> Bool { (try? regex.wholeMatch(in: text)) != nil }
}

extension Array where Element == Matcher {
    /// Every matcher holds (an empty list matches everything).
    public func matches(_ labels: LabelSet) -> Bool {
        allSatisfy { $0.matches(labels) }
    }

    /// Parses `amtool`-style arguments (`vendor="scale-ai"`, or `{a="b", c=~"d"}` as one).
    public static func parse(_ texts: [String]) throws(MatcherError) -> [Matcher] {
        var out: [Matcher] = []
        for text in texts {
            var t = text.trimmingCharacters(in: .whitespaces)
            if t.hasPrefix("{"), t.hasSuffix("}") {
                t = String(t.dropFirst().dropLast())
                for part in Matcher.splitList(t) where !part.trimmingCharacters(in: .whitespaces).isEmpty {
                    out.append(try Matcher(parsing: part))
                }
            } else {
                out.append(try Matcher(parsing: t))
            }
        }
        return out
    }
}

extension Matcher {
    /// Splits `a="x,y", b=~"z"` at commas outside quotes.
    static func splitList(_ text: String) -> [String] {
        var parts: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        for c in text {
            if escaped {
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if let q = quote, c == q {
                quote = nil
            } else if quote == nil, c == "\"" || c == "'" {
                quote = c
            } else if quote == nil, c == "," {
                parts.append(current)
                current = ""
                continue
            }
            current.append(c)
        }
        parts.append(current)
        return parts
    }
}

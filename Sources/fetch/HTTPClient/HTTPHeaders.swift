/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// Order and repeats are kept because some headers (`Set-Cookie`, `Link`, `WWW-Authenticate`)
/// are meaningful only as a list, while callers mostly want "the value of X" regardless of case.
public struct HTTPHeaders: Sendable, Equatable, ExpressibleByDictionaryLiteral, Sequence {
    /// The fields in wire order, names as sent or received.
    public private(set) var fields: [(name: String, value: String)]

    /// Empty by default so a request carries only what the caller asks for.
    public init(_ fields: [(name: String, value: String)] = []) {
        self.fields = fields
    }

    /// Literal form keeps request construction short in tests and call sites.
    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// First value for `name`, ignoring case, because HTTP field names are case-insensitive.
    public subscript(name: String) -> String? {
        let wanted = name.lowercased()
        return fields.first { $0.name.lowercased() == wanted }?.value
    }

    /// Every value for `name`, for headers that legitimately repeat.
    public func values(for name: String) -> [String] {
        let wanted = name.lowercased()
        return fields.filter { $0.name.lowercased() == wanted }.map(\.value)
    }

    /// Appends without replacing, so repeated headers survive.
    public mutating func add(name: String, value: String) {
        fields.append((name: name, value: value))
    }

    /// Replaces every existing field of that name, for headers that must appear once.
    public mutating func set(name: String, value: String) {
        remove(name: name)
        fields.append((name: name, value: value))
    }

    /// Drops every field of that name (case-insensitive).
    public mutating func remove(name: String) {
        let wanted = name.lowercased()
        fields.removeAll { $0.name.lowercased() == wanted }
    }

    /// Number of fields, counting repeats.
    public var count: Int { fields.count }

    /// Iterates fields in wire order.
    public func makeIterator() -> IndexingIterator<[(name: String, value: String)]> {
        fields.makeIterator()
    }

    /// Tuples are not Equatable, so compare field by field (names case-insensitively).
    public static func == (lhs: HTTPHeaders, rhs: HTTPHeaders) -> Bool {
        lhs.fields.count == rhs.fields.count
            && zip(lhs.fields, rhs.fields).allSatisfy {
                $0.name.lowercased() == $1.name.lowercased() && $0.value == $1.value
            }
    }
}

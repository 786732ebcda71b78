/// An XML element as plain Swift values, detached from libxml2, so a parsed document can cross
/// threads and outlive the C parser. Names are local names; prefixes are resolved to URIs.
public struct XElement: Sendable, Hashable {
    /// Local name, prefix dropped: feeds bind the same namespace to arbitrary prefixes.
    public var name: String
    /// Namespace URI, nil for elements in no namespace (plain RSS 2.0).
    public var namespace: String?
    public var attributes: [XAttribute]
    public var children: [XNode]

    public init(name: String, namespace: String? = nil, attributes: [XAttribute] = [], children: [XNode] = []) {
        self.name = name
        self.namespace = namespace
        self.attributes = attributes
        self.children = children
    }

    /// The element's own text (text and CDATA children, not descendants'), as written.
    public var text: String {
        var out = ""
        for case .text(let t) in children { out += t }
        return out
    }

    /// All descendant text in document order, as written.
    public var textContent: String {
        var out = ""
        appendText(to: &out)
        return out
    }

    private func appendText(to out: inout String) {
        for child in children {
            switch child {
            case .text(let t): out += t
            case .element(let e): e.appendText(to: &out)
            }
        }
    }

    /// Whether any child is an element (mixed or element content), without building `elements`.
    public var hasElements: Bool {
        children.contains { if case .element = $0 { true } else { false } }
    }

    /// Child elements only, skipping text.
    public var elements: [XElement] {
        children.compactMap { if case .element(let e) = $0 { e } else { nil } }
    }

    /// The first child element with this local name; `namespace` nil means "any namespace".
    public func first(_ name: String, namespace: String? = nil) -> XElement? {
        for case .element(let e) in children where e.name == name && (namespace == nil || e.namespace == namespace) {
            return e
        }
        return nil
    }

    /// Every child element with this local name; `namespace` nil means "any namespace".
    public func all(_ name: String, namespace: String? = nil) -> [XElement] {
        var out: [XElement] = []
        for case .element(let e) in children where e.name == name && (namespace == nil || e.namespace == namespace) {
            out.append(e)
        }
        return out
    }

    /// An attribute value by local name; unprefixed attributes have no namespace.
    public func attribute(_ name: String, namespace: String? = nil) -> String? {
        attributes.first { $0.name == name && $0.namespace == namespace }?.value
    }

    /// `xml:base`, which feeds use to make relative links absolute.
    public var xmlBase: String? { attribute("base", namespace: XElement.xmlNamespace) }

    public static let xmlNamespace = "http://www.w3.org/XML/1998/namespace"
}

/// One child of an element: an element or a run of text.
public enum XNode: Sendable, Hashable {
    case element(XElement)
    case text(String)
}

/// An attribute with its namespace resolved (e.g. `xml:base`, `rdf:about`).
public struct XAttribute: Sendable, Hashable {
    public var name: String
    public var namespace: String?
    public var value: String

    public init(name: String, namespace: String? = nil, value: String) {
        self.name = name
        self.namespace = namespace
        self.value = value
    }
}

/// A parsed document: its root element, the character set it was read in, and everything the
/// parser had to forgive (a feed with warnings is degraded, not failed).
public struct XMLDocumentTree: Sendable {
    public var root: XElement
    /// The charset the bytes were read as, for diagnostics ("why is this text garbled?").
    public var encoding: String
    /// What libxml2 and the repair pass had to forgive; non-empty means "degraded".
    public var warnings: [String]
}

/// Bounds that keep a hostile document from taking memory or stack.
public struct XMLLimits: Sendable {
    /// Deeper elements are dropped (libxml2 itself stops at 256 without XML_PARSE_HUGE).
    public var maxDepth: Int
    /// Elements beyond this are dropped: a bound on the Swift tree's memory.
    public var maxNodes: Int
    /// Larger documents are refused outright.
    public var maxBytes: Int
    /// An element's own text (and an attribute value) is cut at this many UTF-8 bytes while the
    /// tree is built, so a 10 MB title never becomes a 10 MB Swift string.
    public var maxTextBytes: Int

    public init(maxDepth: Int = 256, maxNodes: Int = 300_000, maxBytes: Int = 64 << 20, maxTextBytes: Int = 1 << 20) {
        self.maxDepth = maxDepth
        self.maxNodes = maxNodes
        self.maxBytes = maxBytes
        self.maxTextBytes = maxTextBytes
    }
}

/// Why a document could not be read at all (recoverable trouble is a warning instead).
public enum XMLReadError: Error, Sendable, Equatable, CustomStringConvertible {
    case empty
    case tooLarge(bytes: Int, limit: Int)
    /// libxml2 found no root element even in recover mode; carries its first messages.
    case noRootElement(warnings: [String])

    public var description: String {
        switch self {
        case .empty: return "the document is empty"
        case .tooLarge(let bytes, let limit): return "the document is \(bytes) bytes, over the \(limit)-byte limit"
        case .noRootElement(let warnings):
            return "no XML root element found" + (warnings.first.map { " (\($0))" } ?? "")
        }
    }
}

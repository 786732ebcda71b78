import CLibXML2
public import Foundation
import TextNormalizer

/// The one door to libxml2. Feeds are hostile input, so every document is read the same safe
/// way: recover mode (a sloppy feed still yields its items), no network, no entity substitution,
/// no DTD loading, default size limits, and a DOCTYPE stripped before libxml2 sees the bytes.
public enum XMLReader {
    /// Parses a document into a Sendable tree. `fallbackEncoding` (e.g. the HTTP charset) is
    /// used only when neither a BOM nor the XML declaration names one and the bytes are not
    /// UTF-8. Thread-safe: errors are collected per parse, not through global handlers.
    public static func parse(
        _ data: Data, fallbackEncoding: String? = nil, limits: XMLLimits = XMLLimits()
    ) throws(XMLReadError) -> XMLDocumentTree {
        try parse(data, fallbackEncoding: fallbackEncoding, limits: limits, alwaysRepair: false)
    }

    /// `alwaysRepair` sends even a clean document through the repair pass, so tests can check
    /// that both paths read it the same.
    static func parse(
        _ data: Data, fallbackEncoding: String?, limits: XMLLimits, alwaysRepair: Bool
    ) throws(XMLReadError) -> XMLDocumentTree {
        guard !data.isEmpty else { throw .empty }
        guard data.count <= limits.maxBytes, data.count < Int(Int32.max) else {
            throw .tooLarge(bytes: data.count, limit: min(limits.maxBytes, Int(Int32.max)))
        }
        _ = libxmlInitialized
        var decision = CharsetSniffer.decide(data, fallback: fallbackEncoding, isKnown: encodingIsSupported)
        // Well-formed documents (most feeds) go to libxml2 as they are; anything libxml2 would
        // have to forgive is read again through the repair pass, so both paths agree.
        if !alwaysRepair,
            case .clean(let rewritten, let text) = XMLPrescan.check(
                decision.bytes, placeholders: decision.encoding == "UTF-8"),
            let clean = try? read(
                rewritten ?? decision.bytes, encoding: decision.encoding, limits: limits, strict: true,
                warnings: decision.warnings, cut: text)
        {
            return XMLDocumentTree(root: clean.root, encoding: decision.encoding, warnings: clean.warnings)
        }
        var prepass = XMLRepair()
        let bytes = prepass.run(decision.bytes)
        decision.bytes = []  // keep peak memory down for large feeds
        let warnings = decision.warnings + prepass.warnings
        guard let read = try read(bytes, encoding: decision.encoding, limits: limits, strict: false, warnings: warnings)
        else { throw .noRootElement(warnings: warnings) }
        return XMLDocumentTree(root: read.root, encoding: decision.encoding, warnings: read.warnings)
    }

    /// One libxml2 parse of `bytes`, converted to Swift values; `warnings` come first in the
    /// result. When `strict`, any error or warning from libxml2 gives nil (the caller repairs
    /// and tries again). `cut` holds the text `XMLPrescan` cut out for placeholders.
    private static func read(
        _ bytes: [UInt8], encoding: String, limits: XMLLimits, strict: Bool, warnings: [String],
        cut: CutText = CutText(bytes: [], ranges: [])
    ) throws(XMLReadError) -> (root: XElement, warnings: [String])? {
        let sink = ErrorSink()
        guard let ctxt = xmlNewParserCtxt() else { throw .noRootElement(warnings: ["libxml2 out of memory"]) }
        defer { xmlFreeParserCtxt(ctxt) }
        guard let sax = ctxt.pointee.sax else { throw .noRootElement(warnings: ["libxml2 gave no SAX handler"]) }
        frenemy_xml_silence_generic_errors()
        ctxt.pointee._private = Unmanaged.passUnretained(sink).toOpaque()
        sax.pointee.serror = { userData, error in
            guard let userData, let error else { return }
            let parser = userData.assumingMemoryBound(to: xmlParserCtxt.self)
            guard let priv = parser.pointee._private else { return }
            Unmanaged<ErrorSink>.fromOpaque(priv).takeUnretainedValue().record(error.pointee)
        }
        let options =
            XML_PARSE_RECOVER.rawValue | XML_PARSE_NONET.rawValue | XML_PARSE_NOCDATA.rawValue
            | XML_PARSE_IGNORE_ENC.rawValue | XML_PARSE_NOXINCNODE.rawValue
        // The handler reaches `sink` through an unretained pointer: keep it alive meanwhile.
        let doc = withExtendedLifetime(sink) {
            bytes.withUnsafeBufferPointer { buf -> xmlDocPtr? in
                guard let base = buf.baseAddress, !buf.isEmpty else { return nil }
                return base.withMemoryRebound(to: CChar.self, capacity: buf.count) {
                    xmlCtxtReadMemory(ctxt, $0, Int32(buf.count), nil, encoding, Int32(bitPattern: options))
                }
            }
        }
        defer { if let doc { xmlFreeDoc(doc) } }
        if strict && sink.hasMessages { return nil }
        guard let doc, let rootNode = xmlDocGetRootElement(doc) else {
            throw .noRootElement(warnings: warnings + sink.summary())
        }
        var converter = TreeConverter(limits: limits, cut: cut)
        let root = converter.element(rootNode, depth: 1)
        guard converter.cutUsed == cut.ranges.count else { return nil }  // never expected
        return (root, warnings + sink.summary() + converter.warnings)
    }

    /// Whether libxml2 (through iconv) can read this charset.
    static func encodingIsSupported(_ name: String) -> Bool {
        _ = libxmlInitialized
        guard let handler = xmlFindCharEncodingHandler(name) else { return false }
        xmlCharEncCloseFunc(handler)
        return true
    }
}

/// libxml2 wants one initialization per process before threads use it.
private let libxmlInitialized: Void = xmlInitParser()

/// Collects one parse's libxml2 errors (capped) as readable warnings.
private final class ErrorSink {
    private(set) var messages: [String] = []
    private var dropped = 0
    static let cap = 20

    func record(_ error: xmlError) {
        guard messages.count < Self.cap else {
            dropped += 1
            return
        }
        var text = error.message.map { String(cString: $0) } ?? "XML error \(error.code)"
        text = text.trimmingCharacters(in: .whitespacesAndNewlines)
        messages.append("XML line \(error.line): \(text)")
    }

    var hasMessages: Bool { !messages.isEmpty || dropped > 0 }

    func summary() -> [String] {
        dropped > 0 ? messages + ["\(dropped) more XML errors"] : messages
    }
}

/// Copies libxml2's tree into Swift values within the depth and node bounds.
private struct TreeConverter {
    let limits: XMLLimits
    var nodes = 0
    var warnings: [String] = []
    var depthExceeded = false
    var nodesExceeded = false
    var textCut = false
    /// Namespace URIs by libxml2 declaration: a feed declares a handful, and every element in
    /// one would otherwise copy (and allocate) the same long URI again.
    var namespaces: [UnsafeMutablePointer<xmlNs>: String] = [:]

    let cut: CutText
    var cutUsed = 0

    init(limits: XMLLimits, cut: CutText) {
        self.limits = limits
        self.cut = cut
    }

    mutating func element(_ node: xmlNodePtr, depth: Int) -> XElement {
        nodes += 1
        var e = XElement(name: Self.string(node.pointee.name) ?? "")
        if let ns = node.pointee.ns { e.namespace = uri(ns) }
        var attr = node.pointee.properties
        while let a = attr {
            let value = capped(Self.text(of: a.pointee.children, maxBytes: limits.maxTextBytes + 1))
            var namespace: String?
            if let ns = a.pointee.ns { namespace = uri(ns) }
            e.attributes.append(XAttribute(name: Self.string(a.pointee.name) ?? "", namespace: namespace, value: value))
            attr = a.pointee.next
        }
        var child = node.pointee.children
        var pendingText = ""
        while let c = child {
            defer { child = c.pointee.next }
            switch c.pointee.type {
            case XML_ELEMENT_NODE where !cut.ranges.isEmpty && isPlaceholder(c):
                if cutUsed < cut.ranges.count {
                    append(cut.text(cutUsed), to: &pendingText)
                    cutUsed += 1
                }
            case XML_ELEMENT_NODE:
                if depth >= limits.maxDepth {
                    if !depthExceeded { warnings.append("elements nested deeper than \(limits.maxDepth) dropped") }
                    depthExceeded = true
                    continue
                }
                if nodes >= limits.maxNodes {
                    if !nodesExceeded { warnings.append("document truncated at \(limits.maxNodes) elements") }
                    nodesExceeded = true
                    continue
                }
                if !pendingText.isEmpty {
                    e.children.append(.text(pendingText))
                    pendingText = ""
                }
                e.children.append(.element(element(c, depth: depth + 1)))
            case XML_TEXT_NODE, XML_CDATA_SECTION_NODE:
                let room = limits.maxTextBytes - pendingText.utf8.count
                if let t = Self.string(c.pointee.content, maxBytes: max(0, room) + 1) { append(t, to: &pendingText) }
            case XML_ENTITY_REF_NODE:
                // Never expanded; HTML names are decoded, anything else is dropped.
                if let name = Self.string(c.pointee.name), let scalars = HTMLEntities.scalars(named: name) {
                    var decoded = ""
                    decoded.unicodeScalars.append(contentsOf: scalars)
                    append(decoded, to: &pendingText)
                }
            default:
                break
            }
        }
        if !pendingText.isEmpty { e.children.append(.text(pendingText)) }
        return e
    }

    /// Appends text to an element's pending text within `maxTextBytes`; the first cut warns.
    mutating func append(_ text: String, to pending: inout String) {
        let room = limits.maxTextBytes - pending.utf8.count
        if text.utf8.count <= room {
            pending += text
            return
        }
        if room > 0 { pending += TextCap.cut(text, maxBytes: room) }
        noteTextCut()
    }

    /// An attribute value within `maxTextBytes`.
    mutating func capped(_ value: String) -> String {
        guard let cut = TextCap.prefix(value, maxBytes: limits.maxTextBytes) else { return value }
        noteTextCut()
        return cut
    }

    mutating func noteTextCut() {
        if !textCut { warnings.append("text longer than \(limits.maxTextBytes) bytes cut (XML text cap)") }
        textCut = true
    }

    func isPlaceholder(_ node: xmlNodePtr) -> Bool {
        // In whatever default namespace is in force; the prescan made sure the name is ours.
        guard node.pointee.children == nil, node.pointee.properties == nil else { return false }
        return XMLPrescan.placeholder.withUTF8Buffer { name in
            name.withMemoryRebound(to: xmlChar.self) { xmlStrEqual(node.pointee.name, $0.baseAddress) != 0 }
        }
    }

    mutating func uri(_ ns: UnsafeMutablePointer<xmlNs>) -> String? {
        if let known = namespaces[ns] { return known }
        let href = Self.string(ns.pointee.href)
        if let href { namespaces[ns] = href }
        return href
    }

    /// An attribute's text, read no further than `maxBytes` (the caller cuts and warns).
    static func text(of first: xmlNodePtr?, maxBytes: Int) -> String {
        var out = ""
        var node = first
        while let n = node, out.utf8.count < maxBytes {
            if n.pointee.type == XML_TEXT_NODE, let t = string(n.pointee.content, maxBytes: maxBytes - out.utf8.count) {
                out += t
            }
            node = n.pointee.next
        }
        return out
    }

    /// At most `maxBytes` of a libxml2 string (cut at a scalar boundary), without first copying
    /// all of it: a hostile text node can be tens of megabytes.
    static func string(_ p: UnsafeMutablePointer<xmlChar>?, maxBytes: Int) -> String? {
        guard let p else { return nil }
        let length = strlen(UnsafeRawPointer(p).assumingMemoryBound(to: CChar.self))
        let bytes = UnsafeBufferPointer(start: UnsafePointer(p), count: length)
        if length <= maxBytes { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: bytes[0..<TextCap.boundary(bytes, atMost: maxBytes)], as: UTF8.self)
    }

    static func string(_ p: UnsafePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }

    static func string(_ p: UnsafeMutablePointer<xmlChar>?) -> String? {
        guard let p else { return nil }
        return String(cString: p)
    }
}

import Foundation

/// One e-mail address as configured: `alerts@example.com` or `Vendor Risk <risk@example.com>`.
///
/// Checked when the config is read, so a typo is a located error at startup rather than a
/// message that bounces (or never leaves) days later. Only ASCII addresses are accepted:
/// international ones need SMTPUTF8, which frenemy does not negotiate.
public struct MailAddress: Sendable, Equatable, CustomStringConvertible {
    /// The display name, if any ("Vendor Risk").
    public var name: String?
    /// The bare address (`risk@example.com`), what SMTP's envelope carries.
    public var address: String

    /// Unchecked, for code and tests that already hold a valid address; config goes through
    /// `init(parsing:)`.
    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }

    /// Parses `addr@domain`, `Name <addr@domain>` or `"Name, Inc." <addr@domain>`; nil when
    /// the text is not one valid address.
    public init?(parsing text: String) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard !t.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else { return nil }
        if t.hasSuffix(">"), let open = t.lastIndex(of: "<") {
            let inner = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
            var display = t[..<open].trimmingCharacters(in: .whitespaces)
            if display.count >= 2, display.hasPrefix("\""), display.hasSuffix("\"") {
                display = String(display.dropFirst().dropLast())
                    .replacingOccurrences(of: "\\\"", with: "\"").replacingOccurrences(of: "\\\\", with: "\\")
            }
            guard Self.isValid(inner), !display.contains("<"), !display.contains(">") else { return nil }
            self.init(name: display.isEmpty ? nil : display, address: inner)
        } else {
            guard Self.isValid(t) else { return nil }
            self.init(name: nil, address: t)
        }
    }

    /// The part after `@`, lower-cased: where `Message-ID`s of this sender live.
    public var domain: String {
        address.split(separator: "@").last.map { $0.lowercased() } ?? "localhost"
    }

    /// `Name <addr>` or `addr`, for logs (never header text: see `headerForm`).
    public var description: String {
        name.map { "\($0) <\(address)>" } ?? address
    }

    /// As written in a header: the name quoted or RFC 2047-encoded as needed.
    var headerForm: String {
        guard let name, !name.isEmpty else { return address }
        return "\(MIME.phrase(name)) <\(address)>"
    }

    // MARK: Validation (RFC 5321/5322 dot-atom local part and a host name)

    private static let atext = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!#$%&'*+-/=?^_`{|}~")

    /// Whether `text` is a bare `local@domain` address frenemy can send to.
    public static func isValid(_ text: String) -> Bool {
        guard text.utf8.count <= 254, let at = text.lastIndex(of: "@") else { return false }
        let local = text[..<at]
        let domain = text[text.index(after: at)...]
        guard !local.isEmpty, local.utf8.count <= 64, !domain.isEmpty, domain.utf8.count <= 253 else { return false }
        let localParts = local.split(separator: ".", omittingEmptySubsequences: false)
        guard localParts.allSatisfy({ !$0.isEmpty && $0.allSatisfy(atext.contains) }) else { return false }
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            !label.isEmpty && label.utf8.count <= 63 && label.first != "-" && label.last != "-"
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

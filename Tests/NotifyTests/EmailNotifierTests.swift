import Foundation
import FrenemyConfig
import FrenemyModel
import HTTPClient
import Notify
import Synchronization
import XCTest

final class EmailNotifierTests: XCTestCase {
    let notifier = EmailNotifier(
        server: MailServer(url: "smtp://mail.example.com:587", username: "frenemy", password: "hunter2-secret"),
        from: MailAddress(name: "frenemy alerts", address: "alerts@example.com"),
        to: [MailAddress(address: "risk@example.com"), MailAddress(name: "Jürgen Groß", address: "jg@example.com")],
        cc: [MailAddress(name: "Legal, Inc.", address: "legal@example.com")])

    // MARK: Rendering

    func testHeadersAreCompleteAndEveryLineIsCRLFAndShort() throws {
        let mail = try ParsedMail(notifier.render(sampleNotification()))
        XCTAssertEqual(mail.header("From"), "frenemy alerts <alerts@example.com>")
        XCTAssertEqual(mail.decoded("To"), "risk@example.com, Jürgen Groß <jg@example.com>")
        XCTAssertEqual(mail.header("Cc"), "\"Legal, Inc.\" <legal@example.com>")
        XCTAssertNil(mail.header("Bcc"))
        XCTAssertEqual(mail.header("Message-ID"), "<ntf_0123456789abcdef@frenemy.example.com>")
        XCTAssertNil(mail.header("In-Reply-To"), "a group's first message starts the thread")
        XCTAssertNil(mail.header("References"))
        XCTAssertEqual(mail.header("MIME-Version"), "1.0")
        XCTAssertEqual(mail.header("Auto-Submitted"), "auto-generated")
        let date = try XCTUnwrap(mail.header("Date"))
        XCTAssertEqual(date, "Mon, 21 Sep 2026 14:15:00 +0000")
        XCTAssertTrue(mail.raw.hasSuffix("\r\n"))
        XCTAssertFalse(mail.raw.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "no bare LF")
        XCTAssertFalse(mail.raw.replacingOccurrences(of: "\r\n", with: "").contains("\r"), "no bare CR")
        for line in mail.headerLines { XCTAssertLessThanOrEqual(line.count, 78, line) }
        for line in mail.bodyLines { XCTAssertLessThanOrEqual(line.utf8.count, 998, line) }
    }

    func testSubjectRoundTripsThroughEncodedWordsAndIsFolded() throws {
        var alert = sampleAlert
        alert.bindings = [
            RoleBinding(
                role: "vendor", entityID: "z", entityName: "Zürich Versicherungs-Gesellschaft AG 株式会社 🚀",
                matched: "Zürich"),
            RoleBinding(role: "competitor", entityID: "m", entityName: "Société Générale", matched: "SG"),
        ]
        let notification = sampleNotification(alerts: [alert])
        let mail = try ParsedMail(notifier.render(notification))
        let raw = try XCTUnwrap(mail.header("Subject"))
        XCTAssertTrue(raw.contains("=?UTF-8?B?"), raw)
        XCTAssertEqual(mail.decoded("Subject"), MessageFacts(notification).subject)
        XCTAssertGreaterThan(mail.rawHeaderLines("Subject").count, 1, "a long subject is folded")
        for line in mail.headerLines { XCTAssertLessThanOrEqual(line.count, 78, line) }
    }

    func testLongASCIISubjectIsFoldedAtSpaces() throws {
        var alert = sampleAlert
        alert.ruleTitle = String(repeating: "A vendor of ours signs a deal with a competitor ", count: 3)
        let notification = sampleNotification(alerts: [alert])
        let mail = try ParsedMail(notifier.render(notification))
        XCTAssertFalse(try XCTUnwrap(mail.header("Subject")).contains("=?"))
        XCTAssertEqual(mail.decoded("Subject"), MIMETestDecode.oneLine(MessageFacts(notification).subject))
        XCTAssertGreaterThan(mail.rawHeaderLines("Subject").count, 1)
    }

    func testFeedTextCannotAddHeaders() throws {
        var alert = sampleAlert
        alert.ruleTitle = "Deal\r\nBcc: everyone@evil.example\r\n\r\nbody"
        let mail = try ParsedMail(notifier.render(sampleNotification(alerts: [alert])))
        XCTAssertNil(mail.header("Bcc"))
        XCTAssertTrue(mail.decoded("Subject")?.contains("Deal Bcc: everyone@evil.example body") ?? false)
    }

    func testUpdatesThreadUnderTheGroupsFirstMessage() throws {
        let mail = try ParsedMail(notifier.render(sampleNotification(alerts: [secondAlert], sequence: 2)))
        XCTAssertEqual(mail.header("Message-ID"), "<ntf_0123456789abcdef@frenemy.example.com>")
        XCTAssertEqual(mail.header("In-Reply-To"), "<ntf_00000000000000aa@frenemy.example.com>")
        XCTAssertEqual(mail.header("References"), "<ntf_00000000000000aa@frenemy.example.com>")
        XCTAssertTrue(mail.decoded("Subject")?.hasPrefix("Update: [high]") ?? false)
    }

    func testBothPartsCarryTheFactsAndHTMLIsEscaped() throws {
        let notification = sampleNotification(alerts: [sampleAlert, secondAlert])
        let mail = try ParsedMail(notifier.render(notification))
        XCTAssertTrue(mail.header("Content-Type")?.hasPrefix("multipart/alternative; boundary=") ?? false)
        XCTAssertEqual(mail.parts.map(\.type), ["text/plain; charset=utf-8", "text/html; charset=utf-8"])
        let text = try XCTUnwrap(mail.parts.first?.text)
        let html = try XCTUnwrap(mail.parts.last?.text)
        for needle in [
            "[CRITICAL] A vendor of ours signs a deal with a competitor", "vendor: Scale AI",
            "competitor: Meta Platforms", "Meta invests $14bn in Scale AI",
            "https://techcrunch.com/2025/06/12/meta-scale/",
            "techcrunch, published 2025-06-12", "Meta to take 49% stake in Scale AI <for> $14.3 billion & hire its CEO",
            "Why it matched", "matched 'Scale AI' (vendor) and 'Meta' (competitor)",
        ] {
            XCTAssertTrue(text.contains(needle), "plain text lacks \(needle):\n\(text)")
        }
        XCTAssertTrue(html.contains("Meta to take 49% stake in Scale AI &lt;for&gt; $14.3 billion &amp; hire its CEO"))
        XCTAssertFalse(html.contains("<for>"))
        XCTAssertTrue(html.contains("<a href=\"https://techcrunch.com/2025/06/12/meta-scale/\">Meta invests"))
        XCTAssertTrue(html.contains("matched &#39;Scale AI&#39; (vendor)"))
        XCTAssertTrue(html.contains("<th align=\"left\">vendor</th><td>Scale AI</td>"))
    }

    func testOnlyWebLinksAreLinked() throws {
        var alert = sampleAlert
        alert.itemURL = "javascript:alert(1)"
        let mail = try ParsedMail(notifier.render(sampleNotification(alerts: [alert])))
        XCTAssertFalse(mail.parts.last?.text.contains("href=\"javascript") ?? true)
    }

    func testQuotedPrintableKeepsLongAndNonASCIILinesIntact() throws {
        var alert = sampleAlert
        alert.itemTitle = String(repeating: "Größte Übernahme = 🚀 ", count: 20) + "end "
        let mail = try ParsedMail(notifier.render(sampleNotification(alerts: [alert])))
        XCTAssertTrue(mail.parts[0].text.contains(MIMETestDecode.oneLine(alert.itemTitle)))
        for line in mail.bodyLines { XCTAssertLessThanOrEqual(line.count, 76, line) }
    }

    // MARK: Delivery

    func testDeliverSendsToAndCcFromTheBareAddressWithTheAttemptTimeout() async throws {
        let mail = FakeMail { "250 2.0.0 Ok: queued as 42" }
        let message = try notifier.render(sampleNotification())
        let context = DeliveryContext(http: ScriptedTransport([]), mail: mail, userAgent: "t", timeout: .seconds(7))
        let outcome = await notifier.deliver(message, id: "ntf_1", context: context)
        XCTAssertEqual(outcome, .delivered(detail: "250 2.0.0 Ok: queued as 42"))
        let sent = try XCTUnwrap(mail.sent.withLock { $0.first })
        XCTAssertEqual(sent.from, "alerts@example.com")
        XCTAssertEqual(sent.recipients, ["risk@example.com", "jg@example.com", "legal@example.com"])
        XCTAssertEqual(sent.server.timeout, .seconds(7))
        XCTAssertEqual(sent.message, message.body)
    }

    func testFailuresAreClassifiedByReplyCode() async throws {
        let message = try notifier.render(sampleNotification())
        func outcome(_ error: any Error & Sendable) async -> DeliveryOutcome {
            let context = DeliveryContext(http: ScriptedTransport([]), mail: FakeMail { throw error }, userAgent: "t")
            return await notifier.deliver(message, id: "ntf_1", context: context)
        }
        let permanent = await outcome(MailError(code: 550, description: "550 no such user (pw hunter2-secret)"))
        XCTAssertEqual(permanent, .permanent(reason: "550 no such user (pw (secret))"))
        let busy = await outcome(MailError(code: 451, description: "451 try later"))
        XCTAssertEqual(busy, .retry(reason: "451 try later", after: nil))
        let tls = await outcome(MailError(code: nil, description: "does not offer STARTTLS"))
        XCTAssertEqual(tls, .retry(reason: "does not offer STARTTLS", after: nil))
        let cancelled = await outcome(CancellationError())
        XCTAssertEqual(cancelled, .retry(reason: "cancelled (daemon stopping)", after: nil))
        let context = DeliveryContext(http: ScriptedTransport([]), userAgent: "t")
        let noTransport = await notifier.deliver(message, id: "ntf_1", context: context)
        guard case .permanent = noTransport else { return XCTFail("no mail transport is permanent: \(noTransport)") }
    }

    func testTargetShowsHostAndPortOnly() {
        XCTAssertEqual(notifier.target, "smtp://mail.example.com:587")
        var n = notifier
        n.server.url = "smtps://mail.example.com"
        XCTAssertEqual(n.target, "smtps://mail.example.com:465")
    }
}

/// `type: email` entries as the config file gives them: valid ones build, every mistake is a
/// located error naming the key.
final class EmailConfigTests: XCTestCase {
    private func entry(_ settings: [String: ReceiverConfig.Setting.Value]) -> ReceiverConfig {
        var all: [String: ReceiverConfig.Setting.Value] = [
            "smtp": .scalar("smtp://mail.example.com:587"), "from": .scalar("frenemy <alerts@example.com>"),
            "to": .list(["risk@example.com"]),
        ]
        for (k, v) in settings { all[k] = v }
        return ReceiverConfig(
            name: "mail", type: "email", settings: all.mapValues { ReceiverConfig.Setting($0, line: 7, column: 5) },
            file: "/etc/frenemy/frenemy.yaml", line: 3, path: "notify[2]")
    }

    private func error(_ settings: [String: ReceiverConfig.Setting.Value]) -> ConfigError? {
        do {
            _ = try NotifierRegistry.make(entry(settings))
            return nil
        } catch {
            return error
        }
    }

    func testRegisteredWithGentleLimits() throws {
        let factory = try XCTUnwrap(NotifierRegistry.factories["email"])
        XCTAssertEqual(factory.limits, DeliveryLimits(perSecond: 1, concurrency: 1))
    }

    func testAValidEntryBuildsTheNotifier() throws {
        let made = try NotifierRegistry.make(
            entry([
                "username": .scalar("frenemy"), "password": .scalar("hunter2-secret"),
                "cc": .list(["Legal <legal@example.com>", "\"Ops, Inc.\" <ops@example.com>"]),
            ]))
        let n = try XCTUnwrap(made as? EmailNotifier)
        XCTAssertEqual(n.target, "smtp://mail.example.com:587")
        XCTAssertFalse(n.target.contains("frenemy") || n.target.contains("hunter2"))
        XCTAssertEqual(n.server.requireStartTLS, true, "STARTTLS is required unless turned off")
        XCTAssertEqual(n.server.username, "frenemy")
        XCTAssertEqual(n.from, MailAddress(name: "frenemy", address: "alerts@example.com"))
        XCTAssertEqual(n.cc.map(\.name), ["Legal", "Ops, Inc."])
        XCTAssertEqual(n.recipients, ["risk@example.com", "legal@example.com", "ops@example.com"])
    }

    func testABadAddressIsNamedByItsIndex() {
        let e = error(["to": .list(["risk@example.com", "x"])])
        XCTAssertEqual(e?.key, "notify[2].to[1]")
        XCTAssertEqual(e?.message, "'x' is not an e-mail address")
        XCTAssertEqual(e?.line, 7)
        XCTAssertEqual(error(["cc": .list(["a@b..c"])])?.key, "notify[2].cc[0]")
        XCTAssertEqual(error(["from": .scalar("alerts at example.com")])?.key, "notify[2].from")
        XCTAssertEqual(error(["to": .list(["Jürgen <jürgen@example.com>"])])?.key, "notify[2].to[0]")
        XCTAssertEqual(error(["to": .list(["a@example.com\r\nBcc: x@evil"])])?.key, "notify[2].to[0]")
    }

    func testMistakesAreLocated() {
        var settings = entry([:]).settings
        settings["to"] = nil
        let missingTo = ReceiverConfig(name: "m", type: "email", settings: settings, path: "notify[2]")
        XCTAssertThrowsError(try NotifierRegistry.make(missingTo)) { e in
            XCTAssertTrue("\(e)".contains("missing required key 'to'"), "\(e)")
        }
        XCTAssertEqual(error(["smtp": .scalar("https://mail.example.com")])?.key, "notify[2].smtp")
        XCTAssertEqual(error(["smtp": .scalar("smtp://u:p@mail.example.com")])?.key, "notify[2].smtp")
        XCTAssertFalse(error(["smtp": .scalar("smtp://u:p4ss@mail.example.com")])?.description.contains("p4ss") ?? true)
        XCTAssertEqual(
            error(["smtp": .scalar("smtps://mail.example.com"), "starttls": .scalar("false")])?.key,
            "notify[2].starttls")
        XCTAssertEqual(error(["starttls": .scalar("maybe")])?.key, "notify[2].starttls")
        XCTAssertEqual(error(["username": .scalar("frenemy")])?.key, "notify[2].username")
        XCTAssertEqual(error(["password": .scalar("hunter2-secret")])?.key, "notify[2].password")
        XCTAssertEqual(error(["bcc": .list(["a@example.com"])])?.key, "notify[2].bcc")
        XCTAssertEqual(error(["ca_file": .scalar("/nonexistent/ca.pem")])?.key, "notify[2].ca_file")
    }

    func testCleartextIsOnlyForLoopbackWhenThereIsAPassword() throws {
        let remote = error([
            "starttls": .scalar("false"), "username": .scalar("u"), "password": .scalar("hunter2-secret"),
        ])
        XCTAssertEqual(remote?.key, "notify[2].starttls")
        XCTAssertFalse(remote?.description.contains("hunter2") ?? true)
        let local = try XCTUnwrap(
            NotifierRegistry.make(
                entry([
                    "smtp": .scalar("smtp://127.0.0.1:2525"), "starttls": .scalar("false"), "username": .scalar("u"),
                    "password": .scalar("hunter2-secret"),
                ])) as? EmailNotifier)
        XCTAssertFalse(local.server.requireStartTLS)
        let relay = try XCTUnwrap(NotifierRegistry.make(entry(["starttls": .scalar("false")])) as? EmailNotifier)
        XCTAssertFalse(relay.server.requireStartTLS, "a relay without credentials may be reached in clear")
    }

    func testPasswordFromAFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("frenemy-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try Data("from-a-file\n".utf8).write(to: dir.appendingPathComponent("pw"))
        try Data("ca".utf8).write(to: dir.appendingPathComponent("ca.pem"))
        var config = entry([
            "username": .scalar("u"), "password_file": .scalar("pw"), "ca_file": .scalar("ca.pem"),
        ])
        config.file = dir.appendingPathComponent("frenemy.yaml").path
        let n = try XCTUnwrap(NotifierRegistry.make(config) as? EmailNotifier)
        XCTAssertEqual(n.server.password, "from-a-file")
        XCTAssertEqual(n.server.caBundle, dir.appendingPathComponent("ca.pem").path)
    }
}

/// Records what it was asked to send and answers from a script.
final class FakeMail: MailTransport {
    struct Sent: Sendable {
        var message: Data
        var from: String
        var recipients: [String]
        var server: MailServer
    }
    let sent = Mutex<[Sent]>([])
    let answer: @Sendable () throws -> String

    init(_ answer: @escaping @Sendable () throws -> String) { self.answer = answer }

    func send(_ message: Data, from: String, recipients: [String], server: MailServer) async throws -> String {
        sent.withLock { $0.append(Sent(message: message, from: from, recipients: recipients, server: server)) }
        return try answer()
    }
}

/// A rendered message read back the way a mail client would: headers unfolded and decoded,
/// the multipart body split at its boundary, each part's quoted-printable decoded.
struct ParsedMail {
    struct Part {
        var type: String
        var text: String
    }
    let raw: String
    let headerLines: [String]
    let bodyLines: [String]
    private let headers: [(name: String, value: String)]
    let parts: [Part]

    init(_ message: OutgoingMessage) throws {
        raw = String(decoding: message.body, as: UTF8.self)
        let split = try XCTUnwrap(raw.range(of: "\r\n\r\n"), "headers end with an empty line")
        headerLines = raw[..<split.lowerBound].components(separatedBy: "\r\n")
        bodyLines = raw[split.upperBound...].components(separatedBy: "\r\n")
        headers = Self.unfold(headerLines)
        let contentType = headers.first { $0.name.lowercased() == "content-type" }?.value ?? ""
        let boundary = try XCTUnwrap(contentType.components(separatedBy: "boundary=\"").last?.dropLast())
        let chunks = raw[split.upperBound...].components(separatedBy: "\r\n--\(boundary)")
        XCTAssertTrue(chunks.last?.hasPrefix("--") ?? false, "the closing delimiter is present")
        parts = try chunks.dropFirst().dropLast().map { chunk in
            let body = chunk.drop { $0 == "\r\n" }
            let end = try XCTUnwrap(body.range(of: "\r\n\r\n"))
            let partHeaders = Self.unfold(body[..<end.lowerBound].components(separatedBy: "\r\n"))
            let type = partHeaders.first { $0.name == "Content-Type" }?.value ?? ""
            XCTAssertEqual(partHeaders.first { $0.name == "Content-Transfer-Encoding" }?.value, "quoted-printable")
            return Part(type: type, text: MIMETestDecode.quotedPrintable(String(body[end.upperBound...])))
        }
    }

    private static func unfold(_ lines: [String]) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for line in lines {
            if line.first == " " || line.first == "\t", let last = out.last {
                out[out.count - 1].value = last.value + line
            } else if let colon = line.firstIndex(of: ":") {
                out.append((String(line[..<colon]), String(line[line.index(after: colon)...].dropFirst())))
            }
        }
        return out
    }

    /// The header's value as written (unfolded).
    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The header's value with encoded-words decoded (white space between them dropped).
    func decoded(_ name: String) -> String? {
        header(name).map(MIMETestDecode.encodedWords)
    }

    /// The physical lines of one header.
    func rawHeaderLines(_ name: String) -> [String] {
        var out: [String] = []
        for line in headerLines {
            if line.lowercased().hasPrefix(name.lowercased() + ":") {
                out = [line]
            } else if !out.isEmpty, line.first == " " {
                out.append(line)
            } else if !out.isEmpty {
                break
            }
        }
        return out
    }
}

enum MIMETestDecode {
    static func oneLine(_ text: String) -> String {
        text.components(separatedBy: .whitespacesAndNewlines).filter { !$0.isEmpty }.joined(separator: " ")
    }

    static func encodedWords(_ text: String) -> String {
        var out = ""
        var pendingSpace = ""
        var previousWasEncoded = false
        for token in text.split(separator: " ", omittingEmptySubsequences: false) {
            if token.hasPrefix("=?UTF-8?B?"), token.hasSuffix("?="),
                let data = Data(base64Encoded: String(token.dropFirst(10).dropLast(2)))
            {
                if !previousWasEncoded { out += pendingSpace }
                out += String(decoding: data, as: UTF8.self)
                previousWasEncoded = true
            } else {
                out += pendingSpace + token
                previousWasEncoded = false
            }
            pendingSpace = " "
        }
        return out
    }

    static func quotedPrintable(_ text: String) -> String {
        var bytes: [UInt8] = []
        let input = Array(text.replacingOccurrences(of: "=\r\n", with: "").utf8)
        var i = 0
        while i < input.count {
            if input[i] == UInt8(ascii: "="), i + 2 < input.count,
                let value = UInt8(String(decoding: input[(i + 1)...(i + 2)], as: UTF8.self), radix: 16)
            {
                bytes.append(value)
                i += 3
            } else {
                bytes.append(input[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

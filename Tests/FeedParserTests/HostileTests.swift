import FeedParser
import Foundation
import FrenemyModel
import XCTest
import XMLTree

final class HostileTests: XCTestCase {
    func testBillionLaughsIsNotExpanded() throws {
        let feed = try Fixture.parse("billion-laughs.xml")
        let item = try XCTUnwrap(feed.items.first)
        XCTAssertFalse(item.title.contains("lollol"), "entities must never expand")
        XCTAssertLessThan(item.title.utf8.count + (item.summary?.utf8.count ?? 0), 200)
        XCTAssertTrue(feed.warnings.contains { $0.contains("DOCTYPE") }, "\(feed.warnings)")
    }

    func testXXEDoesNotReadLocalFiles() throws {
        let feed = try Fixture.parse("xxe.xml")
        let item = try XCTUnwrap(feed.items.first)
        XCTAssertFalse(item.title.contains("root:"), item.title)
        XCTAssertTrue(item.title.hasPrefix("Leak:"), item.title)
        let hostname = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if let hostname, hostname.count >= 6 {  // short names could occur in the output by chance
            XCTAssertFalse(
                try String(data: JSONEncoder.frenemy.encode(feed), encoding: .utf8)?.contains(hostname) ?? true)
        }
    }

    func testMalformedXMLIsRecoveredWithWarnings() throws {
        let feed = try Fixture.parse("malformed.xml")
        XCTAssertFalse(feed.warnings.isEmpty, "recovered errors are reported")
        XCTAssertEqual(feed.feed.title, "Broken & sloppy", "a bare ampersand survives as text")
        XCTAssertGreaterThanOrEqual(feed.items.count, 2)
        XCTAssertEqual(feed.items.first?.title, "AT&T buys things")
        XCTAssertEqual(feed.items.first?.link, "https://m.example.com/1")
    }

    /// A body cut off mid-item must not yield that item: its guid may be missing, and the full
    /// feed on the next poll would then raise the same story under a second id.
    func testTruncatedBodyDropsTheIncompleteItem() throws {
        let full = try Fixture.data("rss2.xml")
        let text = try XCTUnwrap(String(data: full, encoding: .utf8))
        let cut = try XCTUnwrap(text.range(of: "Second item without"))
        let feed = try FeedParser.parse(Data(text[..<cut.upperBound].utf8))
        XCTAssertEqual(feed.items.map(\.id), ["tag:news.example.com,2024:1"])
        XCTAssertTrue(feed.warnings.contains { $0.contains("truncated") }, "\(feed.warnings)")
    }

    func testStrayQuoteInATagDoesNotSwallowTheFeed() throws {
        let xml = """
            <rss><channel><title>q</title>
            <item><title>one</title><description><img alt=don't src=x></description><guid>1</guid></item>
            <item><title>two</title><guid>2</guid></item></channel></rss>
            """
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.items.map(\.title), ["one", "two"])
    }

    func testDeepNestingIsBounded() throws {
        let depth = 5000
        let xml =
            "<rss><channel><title>deep</title><item><title>ok</title>"
            + String(repeating: "<x>", count: depth) + String(repeating: "</x>", count: depth)
            + "</item></channel></rss>"
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.feed.title, "deep")
        XCTAssertFalse(feed.warnings.isEmpty)
    }

    /// Many unclosed start tags followed by many stray end tags: the repair pass must stay
    /// linear (a quadratic one would not finish this in any reasonable time).
    func testStrayEndTagFloodIsHandledLinearly() throws {
        let n = 200_000
        let xml =
            "<rss><channel><title>flood</title><item><title>kept</title></item><x>"
            + String(repeating: "<a>", count: n) + String(repeating: "</b>", count: n) + "</x></channel></rss>"
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.items.first?.title, "kept")
        XCTAssertTrue(feed.warnings.contains { $0.contains("repaired") }, "\(feed.warnings.prefix(3))")
    }

    func testItemCountIsBounded() throws {
        var xml = "<rss><channel><title>many</title>"
        for i in 0..<(FeedParser.maxItems + 5) { xml += "<item><guid>\(i)</guid></item>" }
        xml += "</channel></rss>"
        let feed = try FeedParser.parse(Data(xml.utf8))
        XCTAssertEqual(feed.items.count, FeedParser.maxItems)
        XCTAssertTrue(feed.warnings.contains { $0.contains("only the first") })
    }

    /// Mutated fixtures (bytes flipped, cut, markup characters spliced in) must parse or fail
    /// cleanly, never trap. Seeded, so a failure reproduces.
    func testMutatedFeedsNeverCrash() throws {
        let base = try XCTUnwrap(Bundle.module.resourceURL).appendingPathComponent("Fixtures")
        let files = try FileManager.default.contentsOfDirectory(atPath: base.path).sorted()
        let seeds = try files.map { try [UInt8](Data(contentsOf: base.appendingPathComponent($0))) }
        var rng = SplitMix64(seed: 0x5EED)
        let specials: [UInt8] = Array("<>&;#/![]\"'=:x?-".utf8) + [0, 0x80, 0xC3, 0xE2, 0xF0, 0xFF, 0x0B]
        var outcomes = (parsed: 0, rejected: 0)
        for round in 0..<3000 {
            var bytes = seeds[round % seeds.count]
            for _ in 0..<Int.random(in: 1...8, using: &rng) where !bytes.isEmpty {
                let at = Int.random(in: 0..<bytes.count, using: &rng)
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: bytes[at] = specials[Int.random(in: 0..<specials.count, using: &rng)]
                case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...40, using: &rng)))
                case 2: bytes.insert(contentsOf: specials.shuffled(using: &rng).prefix(3), at: at)
                case 3: bytes = Array(bytes.prefix(at))
                default: bytes[at] ^= UInt8.random(in: 1...255, using: &rng)
                }
            }
            if (try? FeedParser.parse(Data(bytes))) != nil { outcomes.parsed += 1 } else { outcomes.rejected += 1 }
        }
        XCTAssertGreaterThan(outcomes.parsed, 1000, "most lightly damaged feeds still yield a feed")
    }
}

/// A tiny deterministic generator so the fuzz test is reproducible.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

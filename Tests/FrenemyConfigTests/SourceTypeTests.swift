import FrenemyConfig
import SourceAdapters
import XCTest

final class SourceTypeTests: XCTestCase {
    private let path = testConfigPath

    private func sources(_ yaml: String) throws -> [SourceConfig] {
        try ConfigLoader.parse(yaml: yaml, path: path).sources
    }

    func testTypeDefaultsToFeedWithHealthDefaults() throws {
        let source = try XCTUnwrap(try sources("sources:\n  - name: a\n    url: https://x.example/feed\n").first)
        XCTAssertEqual(source.kind, .feed)
        XCTAssertEqual(source.alertAfter, 3600)
        XCTAssertNil(source.expectUpdate)
        XCTAssertNil(source.proxy)
        XCTAssertEqual(source, SourceConfig(name: "a", url: "https://x.example/feed", interval: 300, line: 2))
    }

    func testEveryTypeAndItsKeys() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                user_agent: "Example Corp ops@example.com"
                sources:
                  - name: feed
                    type: feed
                    url: https://x.example/feed
                    alert_after: 30m
                    expect_update: 2d
                    proxy: socks5h://127.0.0.1:1080
                    ca_bundle: certs/ca.pem
                  - name: gnews
                    type: google-news
                    query: '"Scale AI" deal'
                    language: DE
                    country: ch
                  - name: gnews-pairs
                    type: google-news
                    watch_pairs: true
                  - name: edgar-all
                    type: sec-edgar
                  - name: edgar-meta
                    type: sec-edgar
                    cik: 1326801
                  - name: gdelt
                    type: gdelt
                    query: Scale AI
                    proxy: none
                  - name: gdelt-pairs
                    type: gdelt
                    watch_pairs: true
                    query: (deal OR contract)
                  - name: hn
                    type: hackernews
                    query: Scale AI
                  - name: drop
                    type: directory
                    path: spool/in
                    interval: 10s
                """, path: path)
        XCTAssertEqual(config.userAgent, "Example Corp ops@example.com")
        XCTAssertEqual(config.requestUserAgent(base: "frenemy/0.1"), "frenemy/0.1 Example Corp ops@example.com")
        XCTAssertEqual(DaemonConfig(path: path).requestUserAgent(base: "frenemy/0.1"), "frenemy/0.1")
        let s = Dictionary(uniqueKeysWithValues: config.sources.map { ($0.name, $0) })
        let feed = try XCTUnwrap(s["feed"])
        XCTAssertEqual(feed.alertAfter, 1800)
        XCTAssertEqual(feed.expectUpdate, 172_800)
        XCTAssertEqual(feed.proxy, "socks5h://127.0.0.1:1080")
        XCTAssertEqual(feed.caBundle, "/etc/frenemy/certs/ca.pem")

        let gnews = try XCTUnwrap(s["gnews"])
        XCTAssertEqual(gnews.kind, .googleNews)
        XCTAssertEqual(gnews.query, "\"Scale AI\" deal")
        XCTAssertEqual(gnews.language, "de")
        XCTAssertEqual(gnews.country, "CH")
        XCTAssertEqual(gnews.url, SourceURL.googleNews(query: "\"Scale AI\" deal", language: "de", country: "CH"))

        let pairs = try XCTUnwrap(s["gnews-pairs"])
        XCTAssertTrue(pairs.watchPairs)
        XCTAssertNil(pairs.query)
        XCTAssertEqual([pairs.language, pairs.country], ["en", "US"])
        XCTAssertEqual(pairs.url, "https://news.google.com/rss/search?hl=en-US&gl=US&ceid=US:en")

        XCTAssertEqual(s["edgar-all"]?.url, SourceURL.edgarCurrent8K)
        XCTAssertNil(s["edgar-all"]?.cik)
        XCTAssertEqual(s["edgar-meta"]?.cik, "0001326801")
        XCTAssertEqual(s["edgar-meta"]?.url, SourceURL.edgarCompany8K(cik: "0001326801"))
        XCTAssertEqual(s["gdelt"]?.url, SourceURL.gdelt(query: "Scale AI"))
        XCTAssertEqual(s["gdelt"]?.proxy, "", "'none' means connect directly")
        XCTAssertEqual(s["gdelt-pairs"]?.query, "(deal OR contract)")
        XCTAssertEqual(s["hn"]?.url, SourceURL.hackerNews(query: "Scale AI"))
        XCTAssertEqual(s["drop"]?.path, "/etc/frenemy/spool/in")
        XCTAssertEqual(s["drop"]?.url, "file:///etc/frenemy/spool/in/")
        XCTAssertEqual(s["drop"]?.interval, 10)
    }

    func testRequestPlans() throws {
        let config = try ConfigLoader.parse(
            yaml: """
                sources:
                  - name: feed
                    url: https://x.example/feed
                  - name: pairs
                    type: gdelt
                    watch_pairs: true
                    query: deal
                    interval: 6s
                  - name: drop
                    type: directory
                    path: /srv/drop
                """, path: path)
        XCTAssertEqual(config.sources[0].requestPlan().urls, ["https://x.example/feed"])
        let plan = config.sources[1].requestPlan(vendors: ["Scale AI"], competitors: ["Meta", "Google"])
        XCTAssertEqual(
            plan.urls,
            [
                SourceURL.gdelt(query: "\"Scale AI\" \"Meta\" deal"),
                SourceURL.gdelt(query: "\"Scale AI\" \"Google\" deal"),
            ])
        XCTAssertEqual(plan.warnings.count, 1, "two queries 5s apart exceed a 6s interval")
        XCTAssertTrue(plan.warnings.first?.contains("source 'pairs'") ?? false, "\(plan.warnings)")
        XCTAssertEqual(config.sources[2].requestPlan().urls, [])
        let news = try XCTUnwrap(
            try sources(
                "sources:\n  - name: n\n    type: google-news\n    watch_pairs: true\n    language: fr\n    country: FR\n"
            )
            .first)
        XCTAssertEqual(
            news.requestPlan(vendors: ["Scale AI"], competitors: ["Meta"]).urls,
            ["https://news.google.com/rss/search?q=%22Scale%20AI%22%20%22Meta%22&hl=fr-FR&gl=FR&ceid=FR:fr"])
    }

    func testQueryIsRequiredUnlessWatchPairs() {
        assertConfigError(
            "sources:\n  - name: g\n    type: gdelt\n", line: 2, key: "sources[0].query",
            contains: "missing required key 'query' for type 'gdelt' (or set watch_pairs: true)")
        assertConfigError(
            "sources:\n  - name: h\n    type: hackernews\n    query: '  '\n", line: 4, key: "sources[0].query",
            contains: "query is empty")
        assertConfigError(
            "sources:\n  - name: g\n    type: google-news\n    watch_pairs: maybe\n", line: 4,
            key: "sources[0].watch_pairs", contains: "expected true or false")
    }

    func testKeysOfAnotherTypeAreErrorsNamingKeyAndType() {
        assertConfigError(
            "sources:\n  - name: a\n    url: http://x/\n    query: Scale AI\n", line: 4, key: "sources[0].query",
            contains: "key 'query' is not valid for type 'feed'")
        assertConfigError(
            "sources:\n  - name: h\n    type: hackernews\n    query: x\n    watch_pairs: true\n", line: 5,
            key: "sources[0].watch_pairs", contains: "not valid for type 'hackernews'")
        assertConfigError(
            "sources:\n  - name: g\n    type: google-news\n    query: x\n    url: http://x/\n", line: 5,
            key: "sources[0].url", contains: "key 'url' is not valid for type 'google-news'")
        assertConfigError(
            "sources:\n  - name: d\n    type: directory\n    path: /x\n    proxy: http://p:3128\n", line: 5,
            key: "sources[0].proxy", contains: "key 'proxy' is not valid for type 'directory'")
        assertConfigError(
            "user_agent: a@b\nsources:\n  - name: e\n    type: sec-edgar\n    language: en\n", line: 5,
            key: "sources[0].language", contains: "not valid for type 'sec-edgar'")
        assertConfigError(
            "sources:\n  - name: a\n    url: http://x/\n    querry: x\n", line: 4, key: "sources[0].querry",
            contains: "unknown key 'querry'")
    }

    func testBadPerTypeValuesAreLocated() {
        assertConfigError(
            "sources:\n  - name: a\n    type: rss\n    url: http://x/\n", line: 3, key: "sources[0].type",
            contains: "unknown source type 'rss' (known: feed, google-news, sec-edgar, gdelt, hackernews, directory)")
        assertConfigError(
            "sources:\n  - name: g\n    type: google-news\n    query: x\n    language: english\n", line: 5,
            key: "sources[0].language", contains: "not a 2-3-letter code")
        assertConfigError(
            "sources:\n  - name: g\n    type: google-news\n    query: x\n    country: U1\n", line: 5,
            key: "sources[0].country", contains: "not a 2-letter code")
        assertConfigError(
            "user_agent: a@b\nsources:\n  - name: e\n    type: sec-edgar\n    cik: AAPL\n", line: 5,
            key: "sources[0].cik", contains: "not a CIK")
        assertConfigError(
            "sources:\n  - name: d\n    type: directory\n", line: 2, key: "sources[0].path",
            contains: "missing required key 'path'")
        assertConfigError(
            "sources:\n  - name: a\n    url: http://x/\n    alert_after: often\n", line: 4,
            key: "sources[0].alert_after",
            contains: "not a duration")
        assertConfigError(
            "sources:\n  - name: a\n    url: http://x/\n    expect_update: 0s\n", line: 4,
            key: "sources[0].expect_update", contains: "at least 1s")
        assertConfigError(
            "sources:\n  - name: a\n    url: http://x/\n    proxy: ftp://p/\n", line: 4, key: "sources[0].proxy",
            contains: "not a proxy URL")
        assertConfigError(
            "sources:\n  - name: a\n    url: http://x/\n  - name: b\n    type: gdelt\n", line: 4,
            key: "sources[1].query", contains: "missing required key")
    }

    func testSecEdgarRefusesToLoadWithoutAContactUserAgent() {
        assertConfigError(
            "sources:\n  - name: ok\n    url: http://x/\n  - name: e\n    type: sec-edgar\n", line: 5,
            key: "sources[1].type", contains: "sec-edgar sources need a top-level user_agent")
        // Key order does not matter: user_agent may come after the sources.
        assertConfigError(
            "sources:\n  - name: e\n    type: sec-edgar\nuser_agent: Example Corp\n", line: 4, key: "user_agent",
            contains: "need a contact e-mail in user_agent")
        XCTAssertNoThrow(
            try ConfigLoader.parse(
                yaml: "sources:\n  - name: e\n    type: sec-edgar\nuser_agent: Example Corp ops@example.com\n",
                path: path))
        assertConfigError("user_agent: ''\n", line: 1, key: "user_agent", contains: "user_agent is empty")
        assertConfigError("user_agent: \"a\\r\\nX-Evil: 1\"\n", line: 1, key: "user_agent", contains: "one line")
    }
}

import XCTest

final class FeedParserTestsPlaceholder: XCTestCase {}

import XCTest

final class HTTPClientTestsPlaceholder: XCTestCase {}

import XCTest

final class SinksTestsPlaceholder: XCTestCase {}

import XCTest

final class RuleEngineTestsPlaceholder: XCTestCase {}

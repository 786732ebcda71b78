import XCTest

final class FrenemyConfigTestsPlaceholder: XCTestCase {}

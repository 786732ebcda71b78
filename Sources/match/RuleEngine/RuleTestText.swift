/// One line per failed test, `file:line:col: ...`, the same in `frenemyctl rules test`, in a
/// refused reload and in the daemon's log, so an editor can jump to the failing test.
extension RuleTestResult: CustomStringConvertible {
    public var description: String {
        "\(file):\(line):\(column): rule \(ruleID), test #\(index) '\(itemTitle)': expected \(expected), got \(got)"
    }
}

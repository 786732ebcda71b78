/// Aho–Corasick over bytes, compiled to a dense DFA on byte classes: one table lookup per input
/// byte and no unpredictable branch, the fastest scan while the table fits the caches (see
/// `Automaton` for when it is used). Reports every occurrence, inside words too. ASCII case is
/// folded by the byte classes themselves.
struct DenseAutomaton: Sendable {
    /// Byte → class; bytes no pattern uses share class 0, which always leads back to the root.
    private let classOf: [UInt16]
    private let classCount: Int
    /// Transition table, `state * classCount + class` → next state.
    private let delta: [Int32]
    /// Patterns ending at each state (own and inherited through failure links), flattened.
    private let outStart: [Int32]
    private let outs: [Int32]
    let patternLengths: [Int]
    /// The longest pattern, which bounds how far back a match can start.
    let maxLength: Int
    /// Bytes held by the tables.
    var tableBytes: Int { classOf.count * 2 + delta.count * 4 + outStart.count * 4 + outs.count * 4 }

    /// `patterns` are already folded (lower-case ASCII); their index is the pattern id. Nil when
    /// the table would not fit 32-bit offsets (hundreds of millions of pattern bytes).
    init?(patterns: [[UInt8]]) {
        var cls = [UInt16](repeating: 0, count: 256)
        var next: UInt16 = 1
        for p in patterns {
            for b in p where cls[Int(b)] == 0 {
                cls[Int(b)] = next
                next += 1
            }
        }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { cls[Int(b)] = cls[Int(b | 0x20)] }
        for b in [UInt8(ascii: "\t"), UInt8(ascii: "\n"), UInt8(ascii: "\r")] { cls[Int(b)] = cls[0x20] }
        let cc = Int(next)
        var delta = [Int32](repeating: -1, count: cc)
        var own: [[Int32]] = [[]]
        for (id, p) in patterns.enumerated() where !p.isEmpty {
            var s = 0
            for b in p {
                let c = Int(cls[Int(b)])
                let t = delta[s * cc + c]
                if t >= 0 {
                    s = Int(t)
                } else {
                    let n = own.count
                    own.append([])
                    delta.append(contentsOf: repeatElement(-1, count: cc))
                    delta[s * cc + c] = Int32(n)
                    s = n
                }
            }
            own[s].append(Int32(id))
        }
        let stateCount = own.count
        guard stateCount.multipliedReportingOverflow(by: cc).partialValue < Int(Int32.max) else { return nil }
        var fail = [Int](repeating: 0, count: stateCount)
        var merged = own
        var queue: [Int] = []
        for c in 0..<cc {
            let t = delta[c]
            if t < 0 {
                delta[c] = 0
            } else {
                fail[Int(t)] = 0
                queue.append(Int(t))
            }
        }
        var head = 0
        while head < queue.count {
            let s = queue[head]
            head += 1
            merged[s] += merged[fail[s]]
            for c in 0..<cc {
                let t = delta[s * cc + c]
                if t < 0 {
                    delta[s * cc + c] = delta[fail[s] * cc + c]
                } else {
                    fail[Int(t)] = Int(delta[fail[s] * cc + c])
                    queue.append(Int(t))
                }
            }
        }
        // Renumber states breadth-first: text mostly walks shallow states, and keeping their
        // rows together keeps them in cache however large the watchlist.
        let order = [0] + queue
        var newID = [Int](repeating: 0, count: stateCount)
        for (n, old) in order.enumerated() { newID[old] = n }
        var starts = [Int32](repeating: 0, count: stateCount + 1)
        var flat: [Int32] = []
        for (n, old) in order.enumerated() {
            starts[n] = Int32(flat.count)
            flat += merged[old]
        }
        starts[stateCount] = Int32(flat.count)
        // Row offsets instead of state numbers (no multiply per byte), bit-inverted when the
        // target state has outputs (one predictable sign test per byte).
        var table = [Int32](repeating: 0, count: delta.count)
        for (n, old) in order.enumerated() {
            for c in 0..<cc {
                let t = newID[Int(delta[old * cc + c])]
                let off = Int32(t * cc)
                table[n * cc + c] = starts[t] != starts[t + 1] ? ~off : off
            }
        }
        classOf = cls
        classCount = cc
        self.delta = table
        outStart = starts
        outs = flat
        patternLengths = patterns.map(\.count)
        maxLength = patternLengths.max() ?? 0
    }

    /// Calls `hit(patternID, endOffset)` for every occurrence of every pattern in `text`.
    func scan(_ text: [UInt8], _ hit: (Int, Int) -> Void) {
        text.withUnsafeBufferPointer { scan($0, hit) }
    }

    /// Same, over a buffer. Each byte's transition depends on the previous one, so a single walk
    /// waits on memory at every byte; long texts are cut in two halves walked side by side (the
    /// second half starts `maxLength - 1` bytes early and reports only hits ending after the
    /// cut, so every hit is reported exactly once).
    func scan(_ buf: UnsafeBufferPointer<UInt8>, _ hit: (Int, Int) -> Void) {
        let n = buf.count
        let overlap = max(0, maxLength - 1)
        guard n >= 2 * overlap + 64 else {
            walk(buf, from: 0, to: n, reportAfter: 0, hit)
            return
        }
        let cut = n / 2
        let start2 = cut - overlap
        let cc = classCount
        classOf.withUnsafeBufferPointer { cls in
            delta.withUnsafeBufferPointer { d in
                outStart.withUnsafeBufferPointer { os in
                    var row1 = 0
                    var row2 = 0
                    var i = 0
                    let steps = n - start2  // the second walk is the longer one
                    while i < steps {
                        if i < cut {
                            let v1 = d[row1 &+ Int(cls[Int(buf[i])])]
                            if v1 >= 0 {
                                row1 = Int(v1)
                            } else {
                                row1 = Int(~v1)
                                let s = row1 / cc
                                for k in Int(os[s])..<Int(os[s &+ 1]) { hit(Int(outs[k]), i &+ 1) }
                            }
                        }
                        let j = start2 &+ i
                        let v2 = d[row2 &+ Int(cls[Int(buf[j])])]
                        if v2 >= 0 {
                            row2 = Int(v2)
                        } else {
                            row2 = Int(~v2)
                            if j >= cut {
                                let s = row2 / cc
                                for k in Int(os[s])..<Int(os[s &+ 1]) { hit(Int(outs[k]), j &+ 1) }
                            }
                        }
                        i &+= 1
                    }
                }
            }
        }
    }

    /// One walk over `from..<to`, reporting hits that end after `reportAfter`.
    private func walk(
        _ buf: UnsafeBufferPointer<UInt8>, from: Int, to: Int, reportAfter: Int, _ hit: (Int, Int) -> Void
    ) {
        let cc = classCount
        classOf.withUnsafeBufferPointer { cls in
            delta.withUnsafeBufferPointer { d in
                outStart.withUnsafeBufferPointer { os in
                    var row = 0
                    for i in from..<to {
                        let v = d[row &+ Int(cls[Int(buf[i])])]
                        if v >= 0 {
                            row = Int(v)
                            continue
                        }
                        row = Int(~v)
                        if i < reportAfter { continue }
                        let s = row / cc
                        for k in Int(os[s])..<Int(os[s &+ 1]) { hit(Int(outs[k]), i &+ 1) }
                    }
                }
            }
        }
    }
}

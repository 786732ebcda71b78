import CoreMetrics
import MetricsExporter
import XCTest

final class PrometheusExporterTests: XCTestCase {
    func testCountersAndGaugesCarryTheirHelpAndValues() {
        let exporter = PrometheusExporter(help: [
            "frenemy_polls_total": "Polls finished, by source and result.",
            "frenemy_database_size_bytes": "Bytes the state database takes on disk.",
        ])
        Counter(label: "frenemy_polls_total", dimensions: [("source", "a"), ("result", "ok")], factory: exporter)
            .increment(by: 2)
        Counter(label: "frenemy_polls_total", dimensions: [("source", "a"), ("result", "ok")], factory: exporter)
            .increment()
        Gauge(label: "frenemy_database_size_bytes", factory: exporter).record(4096)
        let text = exporter.render()
        XCTAssertTrue(text.contains("# HELP frenemy_polls_total Polls finished, by source and result.\n"), text)
        XCTAssertTrue(text.contains("# TYPE frenemy_polls_total counter\n"), text)
        XCTAssertTrue(text.contains(#"frenemy_polls_total{source="a",result="ok"} 3"#), text)
        XCTAssertTrue(text.contains("# TYPE frenemy_database_size_bytes gauge\n"), text)
        XCTAssertTrue(text.contains("frenemy_database_size_bytes 4096"), text)
    }

    func testTwoExportersDoNotShareSeries() {
        let a = PrometheusExporter(help: [:])
        let b = PrometheusExporter(help: [:])
        Counter(label: "frenemy_x_total", factory: a).increment()
        XCTAssertTrue(a.render().contains("frenemy_x_total 1"))
        XCTAssertFalse(b.render().contains("frenemy_x_total"))
    }
}

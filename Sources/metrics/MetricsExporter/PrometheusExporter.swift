public import CoreMetrics
public import Prometheus

/// The backend of frenemy's swift-metrics: every counter and gauge the daemon records lands in
/// one Prometheus registry, rendered in the text exposition format by swift-prometheus for
/// `GET /metrics`. Unlike swift-prometheus's own factory it gives each metric its `# HELP`
/// line (from `help`, by name), so the output passes `promtool check metrics` and a dashboard
/// author can read what each series means. Handed to the daemon as its factory, not
/// bootstrapped globally, so tests and several daemons in one process stay apart.
public struct PrometheusExporter: MetricsFactory {
    public let registry: PrometheusCollectorRegistry
    private let help: [String: String]
    private let fallback: PrometheusMetricsFactory

    /// `help` maps metric names to their help text; a name without one is exported without help.
    public init(help: [String: String], registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        self.help = help
        self.fallback = PrometheusMetricsFactory(registry: registry)
    }

    /// The exposition text: what `GET /metrics` answers (`text/plain; version=0.0.4`).
    public func render() -> String {
        registry.emitToString()
    }

    /// The `Content-Type` of `render()`'s text.
    public static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    /// The whole name as `metricName` (our names are already complete), with its help.
    private func descriptor(_ name: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help[name] ?? "")
    }

    public func makeCounter(label: String, dimensions: [(String, String)]) -> any CounterHandler {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeFloatingPointCounter(label: String, dimensions: [(String, String)])
        -> any FloatingPointCounterHandler
    {
        registry.makeCounter(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeRecorder(label: String, dimensions: [(String, String)], aggregate: Bool) -> any RecorderHandler {
        guard aggregate else { return registry.makeGauge(descriptor: descriptor(label), labels: dimensions) }
        return fallback.makeRecorder(label: label, dimensions: dimensions, aggregate: aggregate)
    }

    public func makeMeter(label: String, dimensions: [(String, String)]) -> any MeterHandler {
        registry.makeGauge(descriptor: descriptor(label), labels: dimensions)
    }

    public func makeTimer(label: String, dimensions: [(String, String)]) -> any TimerHandler {
        fallback.makeTimer(label: label, dimensions: dimensions)
    }

    public func destroyCounter(_ handler: any CounterHandler) { fallback.destroyCounter(handler) }
    public func destroyFloatingPointCounter(_ handler: any FloatingPointCounterHandler) {
        fallback.destroyFloatingPointCounter(handler)
    }
    public func destroyRecorder(_ handler: any RecorderHandler) { fallback.destroyRecorder(handler) }
    public func destroyMeter(_ handler: any MeterHandler) { fallback.destroyMeter(handler) }
    public func destroyTimer(_ handler: any TimerHandler) { fallback.destroyTimer(handler) }
}

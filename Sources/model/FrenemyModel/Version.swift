/// Build identity, shown in `/v1/status`, `--version` and the User-Agent.
public enum FrenemyVersion {
    public static let version = "0.1.0"
    public static let projectURL = "https://github.com/frenemy-project/frenemy"
    public static var userAgent: String { "frenemy/\(version) (+\(projectURL))" }
}

import Foundation

/// Any error as a sentence a person can act on. Foundation's file errors print as
/// `Error Domain=NSCocoaErrorDomain Code=513 "(null)" UserInfo={...}`; this names the path and
/// the cause in words ("permission denied", "no such file or directory") instead.
public enum ErrorWords {
    public static func describe(_ error: any Error) -> String {
        if let cocoa = error as? CocoaError {
            let path = cocoa.userInfo[NSFilePathErrorKey] as? String ?? cocoa.url?.path
            let cause = posixCause(cocoa.userInfo[NSUnderlyingErrorKey]) ?? words(cocoa.code)
            return path.map { "\($0): \(cause)" } ?? cause
        }
        if let posix = error as? POSIXError {
            return strerrorText(posix.code.rawValue)
        }
        let ns = error as NSError
        if ns.domain == NSPOSIXErrorDomain {
            return strerrorText(Int32(ns.code))
        }
        if ns.domain == NSCocoaErrorDomain {
            let path = ns.userInfo[NSFilePathErrorKey] as? String
            let cause = posixCause(ns.userInfo[NSUnderlyingErrorKey]) ?? words(CocoaError.Code(rawValue: ns.code))
            return path.map { "\($0): \(cause)" } ?? cause
        }
        return "\(error)"
    }

    /// The cause alone, without the path, for messages that already name it.
    public static func cause(_ error: any Error) -> String {
        let ns = error as NSError
        if let cocoa = error as? CocoaError {
            return posixCause(cocoa.userInfo[NSUnderlyingErrorKey]) ?? words(cocoa.code)
        }
        if ns.domain == NSCocoaErrorDomain {
            return posixCause(ns.userInfo[NSUnderlyingErrorKey]) ?? words(CocoaError.Code(rawValue: ns.code))
        }
        return describe(error)
    }

    private static func posixCause(_ underlying: Any?) -> String? {
        if let posix = underlying as? POSIXError { return strerrorText(posix.code.rawValue) }
        if let ns = underlying as? NSError, ns.domain == NSPOSIXErrorDomain { return strerrorText(Int32(ns.code)) }
        return nil
    }

    private static func strerrorText(_ code: Int32) -> String {
        String(cString: strerror(code)).lowercased()
    }

    private static func words(_ code: CocoaError.Code) -> String {
        switch code {
        case .fileNoSuchFile, .fileReadNoSuchFile: "no such file or directory"
        case .fileReadNoPermission, .fileWriteNoPermission: "permission denied"
        case .fileWriteOutOfSpace: "no space left on the device"
        case .fileWriteVolumeReadOnly: "read-only file system"
        case .fileWriteFileExists: "a file of that name already exists"
        case .fileReadCorruptFile: "the file is not in the expected format"
        case .fileReadInapplicableStringEncoding: "the file is not valid text in the expected encoding"
        case .fileReadTooLarge: "the file is too large"
        default: "file operation failed (Foundation error \(code.rawValue))"
        }
    }
}

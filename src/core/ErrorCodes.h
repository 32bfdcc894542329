#pragma once

// Stable error codes shared by the server's JSON errors, the client library and the CLI.
// Clients branch on these, so a code is never renamed once released.
namespace chartinsight::errc {

inline constexpr char kInvalidRequest[] = "invalid_request";
inline constexpr char kInvalidFilename[] = "invalid_filename";
inline constexpr char kInvalidCredentials[] = "invalid_credentials";
inline constexpr char kUnauthorized[] = "unauthorized";
inline constexpr char kNotFound[] = "not_found";
inline constexpr char kMethodNotAllowed[] = "method_not_allowed";
inline constexpr char kPayloadTooLarge[] = "payload_too_large";
inline constexpr char kServerBusy[] = "server_busy";
inline constexpr char kInternal[] = "internal_error";
inline constexpr char kWeakPassword[] = "weak_password";

// Scanning. Every verdict other than clean rejects the upload (fail closed).
inline constexpr char kMalwareDetected[] = "malware_detected";
inline constexpr char kScanIncomplete[] = "scan_incomplete";    // size, file-count or depth limit
inline constexpr char kEncryptedContent[] = "encrypted_content"; // encrypted archive or document
inline constexpr char kScannerUnavailable[] = "scanner_unavailable"; // no usable signatures, engine error

// Client-side failures that never come from the server.
inline constexpr char kNetwork[] = "network_error";
inline constexpr char kTls[] = "tls_error";
inline constexpr char kKeychain[] = "keychain_error";
inline constexpr char kCache[] = "cache_error";
inline constexpr char kIo[] = "io_error";
inline constexpr char kNotSignedIn[] = "not_signed_in";

// Retention and permanent deletion.
inline constexpr char kInvalidExpiry[] = "invalid_expiry";       // 400: past or unreadable date
inline constexpr char kLegalHold[] = "legal_hold";               // 409: the record is held
inline constexpr char kInvalidTemplate[] = "invalid_template";   // 400: unknown template or field
inline constexpr char kTemplateExists[] = "template_exists";     // 409: name taken
inline constexpr char kInvalidSignature[] = "invalid_signature"; // a receipt fails its check

// Storage and crypto failures on either side.
inline constexpr char kStorage[] = "storage_error";
inline constexpr char kCrypto[] = "crypto_error";
inline constexpr char kIntegrity[] = "integrity_error"; // authentication tag or structure mismatch
// A stored record whose encrypted object fails authentication (changed on disk or cut short).
inline constexpr char kRecordDamaged[] = "record_damaged";

} // namespace chartinsight::errc

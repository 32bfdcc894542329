#pragma once

// Error codes of the authentication API, beside the shared ones in core/ErrorCodes.h.
namespace chartinsight::server::authc {

inline constexpr char kTokenExpired[] = "token_expired";          // 401: refresh the session
inline constexpr char kSessionRevoked[] = "session_revoked";      // 401: sign in again
inline constexpr char kAccountLocked[] = "account_locked";        // 423 with unlock_at
inline constexpr char kRateLimited[] = "rate_limited";            // 429 with Retry-After
inline constexpr char kInvalidCode[] = "invalid_code";            // 401 with attempts_left
inline constexpr char kCodeExpired[] = "code_expired";            // 410: request a new code
inline constexpr char kMfaFailed[] = "mfa_failed";                // 401: sign in again
inline constexpr char kResetLinkInvalid[] = "reset_link_invalid"; // 410
inline constexpr char kForbidden[] = "forbidden";                 // 403

} // namespace chartinsight::server::authc

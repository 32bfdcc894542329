#pragma once

#include "RecordRepository.h"
#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace chartinsight::server {

struct ServerContext;

// Name of the environment variable that makes the server exit right after one step of an
// erasure ("marked", "source_removed", "generated_removed" or "rows_removed"), for tests of
// the resumption only.
inline constexpr char kTestErasureCrashVariable[] = "CHARTINSIGHT_TEST_ERASURE_CRASH_AFTER";

// The requester and the reason of an erasure.
struct ErasureRequest
{
    QString reason;    // "request" (DELETE by a user) or "expired" (the retention policy)
    QString actorKind; // "user" or "policy"
    QString actorId;   // the user id, or "retention" for the policy
    QString clientIp;  // empty for the policy
    QString deviceId;  // the session id of a user's request
};

// A deletion receipt and its Ed25519 signature.
struct SignedReceipt
{
    QJsonObject receipt;
    QString signature; // base64 of the signature over receiptSigningBytes(receipt)
    QString keyId;     // lower-case hex SHA-256 of the signing key's public half

    // {"receipt", "signature", "key_id"}: the body of DELETE /api/v1/records/{id}.
    QJsonObject toJson() const;
};

// Erases records permanently, in steps that each survive a crash.
//
// start() inserts a record_erasures row in the caller's transaction, which hides the record
// from every user. finish() then removes, in order, the encrypted source object, the generated
// content (eraseDerivatives), the share and warning rows, and finally the record row with its
// wrapped data key, which makes every copy of the objects unreadable, including copies in
// backups of the file store. The last step also stores the signed receipt and the audit entry
// "record.deleted" in one transaction. Each step is idempotent and the row records the next
// one, so an erasure that stopped (crash, stop, failed step) is finished by resumeUnfinished()
// on the next scheduler pass of any server sharing the database, once its claim expired.
class RecordEraser
{
public:
    // How long a claim keeps other servers away from an erasure. Every step renews it, so only
    // an erasure whose server stopped waits this long.
    static constexpr qint64 kClaimTimeoutMs = 2 * 60 * 1000;

    explicit RecordEraser(ServerContext& context);

    // Marks `record` for erasure by `request`. Call inside a transaction that has checked the
    // permission and the legal hold, so the check and the mark commit together. Returns the
    // claim with which to call finish(), or an empty string when an erasure of the record
    // already started.
    Result<QString> start(const RecordRow& record, const ErasureRequest& request);

    // Runs the remaining steps of the erasure claimed with `claim` and returns its receipt.
    Result<SignedReceipt> finish(const QString& recordId, const QString& claim);

    // Claims up to `maxErasures` unfinished erasures whose claim expired and finishes them.
    // Returns the number finished; one that fails is logged and retried on a later call.
    Result<int> resumeUnfinished(int maxErasures);

    // The receipt of the finished erasure of `recordId` that `actorId` requested, or none.
    Result<std::optional<SignedReceipt>> receiptFor(const QString& recordId,
                                                    const QString& actorId);

    // The raw Ed25519 public key that verifies receipts, and its PEM form.
    QByteArray publicKey() const { return m_publicKey; }
    QByteArray publicKeyPem() const { return m_publicKeyPem; }
    QString keyId() const { return m_keyId; }

private:
    struct Erasure;
    Result<std::optional<Erasure>> load(const QString& recordId);
    Result<void> runStep(Erasure& erasure, const QString& claim);
    Result<void> advance(Erasure& erasure, const QString& claim, int nextStep);
    Result<SignedReceipt> complete(Erasure& erasure, const QString& claim);
    Result<SignedReceipt> sign(const QJsonObject& receipt) const;
    void releaseAfterFailure(const QString& recordId, const QString& claim, const Error& error);
    void crashIfRequested(int step) const;
    qint64 now() const;

    ServerContext& m_context;
    QByteArray m_publicKey;
    QByteArray m_publicKeyPem;
    QString m_keyId;
    QString m_crashAfter; // kTestErasureCrashVariable; empty in production
};

} // namespace chartinsight::server

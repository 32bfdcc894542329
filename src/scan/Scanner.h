#pragma once

#include "core/Result.h"

#include <QString>

#include <functional>
#include <memory>

struct cl_engine;

namespace chartinsight::scan {

// Limits applied to every scan. A file that would exceed one is rejected as not fully
// scanned (fail closed), never reported clean.
struct ScanLimits
{
    qint64 maxFileSize = 2LL * 1024 * 1024 * 1024; // bytes, top-level or extracted file
    qint64 maxScanSize = 4LL * 1024 * 1024 * 1024; // bytes scanned in total per input
    int maxRecursion = 16;                         // archive nesting depth
    int maxFiles = 10000;                          // files extracted per input
    // Extracted bytes allowed per input: max(expansionFloor, expansionRatio * input size).
    // A zip bomb (1 MB expanding to 1 GiB) exceeds this long before libclamav's own size
    // limits, which must stay large enough for ordinary big uploads.
    qint64 expansionFloor = 64LL * 1024 * 1024;
    int expansionRatio = 20;
};

enum class Verdict
{
    Clean,
    Infected,   // signature matched: `signature` names it
    Incomplete, // a limit was hit, so part of the input was not scanned
    Encrypted,  // encrypted archive or document: its content cannot be scanned
    Failed,     // engine or read error
};

struct ScanResult
{
    Verdict verdict = Verdict::Failed;
    QString signature; // for Infected, and the heuristic name for Incomplete or Encrypted
    QString message;   // human-readable reason for anything but Clean

    bool isClean() const { return verdict == Verdict::Clean; }
    // The error to report for a non-clean result, with the matching code from ErrorCodes.h.
    Error toError() const;
};

// Reads `count` plaintext bytes at `offset`; returns bytes read, or -1 on error.
using ReadAtFunction = std::function<qint64(char* buffer, qint64 count, qint64 offset)>;
// Called with bytes scanned so far and the total; may be called from the scanning thread.
using ProgressFunction = std::function<void(qint64 done, qint64 total)>;

// A compiled libclamav engine. Loading takes seconds with official signatures, so one engine is
// loaded per process and shared: libclamav allows concurrent scans on a compiled engine.
class Scanner
{
public:
    // Loads and compiles every signature database in `signatureDir`. Fails with
    // "scanner_unavailable" and a message that says how to install signatures (apt-get install
    // clamav-freshclam, then freshclam) or point to them (--signatures or CHARTINSIGHT_SIGNATURES)
    // when the folder is missing, empty, unreadable or holds no signatures.
    // `tempDir` is where libclamav extracts archive members while scanning (the server passes
    // DIR/tmp); empty means libclamav's default ($TMPDIR, else /tmp). It must exist.
    static Result<std::shared_ptr<Scanner>>
    load(const QString& signatureDir, const ScanLimits& limits = {}, const QString& tempDir = {});
    ~Scanner();

    // The folder to load: `commandLineValue` when set, else $CHARTINSIGHT_SIGNATURES, else
    // /var/lib/clamav.
    static QString signatureDirectory(const QString& commandLineValue);

    // True when the folder contains the quick start's demo database (files named
    // chartinsight-demo.*), which detects only the EICAR test file.
    bool usesDemoSignatures() const { return m_demo; }
    unsigned int signatureCount() const { return m_signatureCount; }
    QString signatureDir() const { return m_signatureDir; }

    // Scans one input and everything libclamav extracts from it. The verdict is Clean only when
    // all of it was scanned: a breached limit gives Incomplete, and a read or engine error gives
    // Failed. Progress reports the bytes of the input read so far. Safe to call from several
    // threads at once. `displayName` appears in the result's message, never in a log line.
    // NOTE: libclamav 1.4.6 keeps a zip member's compressed bytes in memory while it inflates or
    // copies the member, so peak memory grows with the largest member. A 256 MiB stored member
    // took 295 MB, while a 512 MiB file that is not an archive took 33 MB.
    ScanResult scanFile(const QString& path, const ProgressFunction& progress = {}) const;
    ScanResult scanReader(qint64 size, const ReadAtFunction& readAt, const QString& displayName,
                          const ProgressFunction& progress = {}) const;

private:
    Scanner() = default;
    Scanner(const Scanner&) = delete;
    Scanner& operator=(const Scanner&) = delete;

    cl_engine* m_engine = nullptr;
    ScanLimits m_limits;
    QString m_signatureDir;
    unsigned int m_signatureCount = 0;
    bool m_demo = false;
};

// Text shown by the server log and the desktop status bar while demo signatures are in use.
inline constexpr char kDemoSignaturesWarning[] = "demo signatures: real malware is not detected";

} // namespace chartinsight::scan

#pragma once

#include "scan/Scanner.h"

#include <QString>

#include <clamav.h>

#include <set>
#include <string>
#include <tuple>

namespace chartinsight::scan {

// State of one scan, passed to libclamav as the `context` of cl_scanmap_callback. libclamav
// calls back into it to read the input and to report archive members and extracted files,
// which it checks against the per-scan budgets of ScanLimits. On a breach it records why and
// returns CL_VIRUS, which stops the scan. The caller then reports Incomplete, not Infected.
//
// Three behaviours of libclamav 1.4.6 shape this class:
// - It silently truncates a zip, RAR or 7z member at CL_ENGINE_MAX_FILESIZE and scans only the
//   part it kept, even with CL_SCAN_HEURISTIC_EXCEEDS_MAX set. So an extracted file that
//   reaches that size counts as not fully scanned.
// - cl_fmap_open_handle marks every handle as a file descriptor and fstat()s it before some
//   reads, comparing st_mtime with 0. With any other handle those reads fail, and the members
//   of a large archive are skipped while the verdict stays clean. So the handle is a real
//   descriptor of an empty file whose mtime is the epoch, and the pread callback finds the
//   session from that descriptor.
// - Registering clcb_file_inspection makes it map every layer whole to pass its buffer, which
//   costs memory equal to the largest layer and one more read of the input. So extracted files
//   are checked in clcb_pre_cache instead, by their descriptor, and nesting depth is left to
//   libclamav's own CL_ENGINE_MAX_RECURSION alert.
class ScanSession
{
public:
    ScanSession(const ScanLimits& limits, qint64 inputSize, const ReadAtFunction& readAt,
                const ProgressFunction& progress);
    ~ScanSession();
    ScanSession(const ScanSession&) = delete;
    ScanSession& operator=(const ScanSession&) = delete;

    // Registers the archive-member and extracted-file callbacks on `engine`. Call before
    // cl_engine_compile.
    static void registerCallbacks(cl_engine* engine);
    // The process-wide clcb_msg for cl_set_clcb_msg: logs libclamav's warnings and errors and
    // marks the scan in progress as failed when libclamav could not read its input.
    static void messageCallback(enum cl_msg severity, const char* fullMessage, const char* message,
                                void* context);

    // Opens the map that libclamav reads the input through. The session owns it. Returns
    // nullptr when the map or its descriptor cannot be created, and readError() gives the reason.
    cl_fmap_t* openMap();

    // Why a limit stopped the scan, as a clause that completes "could not be fully scanned: ".
    bool limitExceeded() const { return !m_limitReason.isEmpty(); }
    QString limitReason() const { return m_limitReason; }
    // Why reading the input failed, so that the scan missed part of it.
    bool readFailed() const { return !m_readError.isEmpty(); }
    QString readError() const { return m_readError; }

    qint64 extractedBytes() const { return m_extractedBytes; }
    qint64 extractedFiles() const { return m_extractedFiles; }
    // Sends the last progress report: the highest input offset read, against the input size.
    void finishProgress();

    // Formats a byte count for messages in IEC units, for example "64.0 MiB".
    static QString formatBytes(qint64 bytes);

private:
    static off_t readCallback(void* handle, void* buffer, size_t count, off_t offset);
    static cl_error_t inspectDescriptor(int fd, const char* type, void* context);
    static cl_error_t inspectMember(const char* containerType, unsigned long containerSize,
                                    const char* fileName, unsigned long declaredSize,
                                    int isEncrypted, unsigned int position, void* context);
    static ScanSession* fromContext(void* context);

    cl_error_t admitMember(const char* containerType, quint64 containerSize, quint64 declaredSize,
                           unsigned int position);
    cl_error_t admitDescriptor(int fd);
    cl_error_t checkExtractedSize(quint64 size, qint64 extractedBytes);
    cl_error_t stop(const QString& reason);
    off_t read(char* buffer, qint64 count, qint64 offset);
    void failRead(const QString& reason);
    void reportProgress(bool force);

    const ScanLimits m_limits;
    const qint64 m_inputSize;
    // max(expansionFloor, expansionRatio * input size): the bytes that everything extracted
    // from the input may add up to. maxScanSize bounds input plus extracted bytes as well.
    const qint64 m_expansionBudget;
    // An extracted file at least this large may have been truncated by libclamav.
    const qint64 m_truncationSize;
    const ReadAtFunction& m_readAt;
    const ProgressFunction& m_progress;

    int m_handleDescriptor = -1;
    cl_fmap_t* m_map = nullptr;

    qint64 m_declaredBytes = 0;
    qint64 m_declaredMembers = 0;
    qint64 m_extractedBytes = 0;
    qint64 m_extractedFiles = 0;
    // Files already counted by admitDescriptor, by device, inode, size and modification time.
    // libclamav passes the descriptor of the enclosing file for a layer that is a window into
    // it, and the time distinguishes a later file that reuses a deleted file's inode.
    std::set<std::tuple<quint64, quint64, qint64, qint64, qint64>> m_admittedFiles;
    // libclamav 1.4.6 reports each zip member twice in a row. These identify the last member
    // reported, so that the repeat is not counted again.
    std::string m_lastContainerType;
    quint64 m_lastContainerSize = 0;
    quint64 m_lastDeclaredSize = 0;
    unsigned int m_lastPosition = 0;

    qint64 m_readEnd = 0; // highest input offset read so far
    qint64 m_reportedEnd = -1;
    QString m_limitReason;
    QString m_readError;
};

} // namespace chartinsight::scan

#include "IdleLock.h"

#include "TaskFinished.h"
#include "UiLogging.h"
#include "UnlockVerifier.h"
#include "client/ApiClient.h"
#include "client/ProfileSettings.h"
#include "core/ErrorCodes.h"

#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QElapsedTimer>
#include <QEvent>
#include <QJsonObject>
#include <QSettings>

#include <algorithm>

#ifdef Q_OS_LINUX
#include <time.h>
#endif

namespace chartinsight::ui {

using client::ClientTask;

namespace {

constexpr char kSettingsFileName[] = "desktop.ini";
constexpr char kIdleMinutesKey[] = "idle_lock/minutes";
constexpr qint64 kMsPerMinute = 60 * 1000;

// CLOCK_BOOTTIME on Linux counts the time in suspend, which CLOCK_MONOTONIC (QElapsedTimer)
// does not.
qint64 defaultClock()
{
#ifdef Q_OS_LINUX
    timespec now{};
    if (clock_gettime(CLOCK_BOOTTIME, &now) == 0)
        return qint64(now.tv_sec) * 1000 + now.tv_nsec / 1000000;
#endif
    // NOTE: on other systems this monotonic clock may stop during suspend, so the lock can
    // engage up to the time asleep later than set.
    static QElapsedTimer timer;
    if (!timer.isValid())
        timer.start();
    return timer.elapsed();
}

bool isUserInput(QEvent::Type type)
{
    switch (type) {
    case QEvent::KeyPress:
    case QEvent::KeyRelease:
    case QEvent::MouseButtonPress:
    case QEvent::MouseButtonRelease:
    case QEvent::MouseButtonDblClick:
    case QEvent::MouseMove:
    case QEvent::Wheel:
    case QEvent::TouchBegin:
    case QEvent::TouchUpdate:
    case QEvent::TabletPress:
    case QEvent::TabletMove:
    case QEvent::InputMethod:
        return true;
    default:
        return false;
    }
}

// Whether a request failed without a response from the server, so the local check applies.
bool isUnreachable(const Error& error)
{
    return error.code == QLatin1String(errc::kNetwork) || error.code == QLatin1String(errc::kTls);
}

} // namespace

IdleLock::IdleLock(QObject* parent)
    : QObject(parent), m_verifier(new UnlockVerifier(this)), m_clock(defaultClock)
{
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &IdleLock::checkIdle);
    // Every window of the application delivers its input through the application object.
    if (QCoreApplication* application = QCoreApplication::instance())
        application->installEventFilter(this);
    m_lastActivityMs = m_clock();
}

IdleLock::~IdleLock()
{
    if (QCoreApplication* application = QCoreApplication::instance())
        application->removeEventFilter(this);
}

void IdleLock::setController(SessionController* controller)
{
    if (controller == m_controller)
        return;
    if (m_controller)
        m_controller->disconnect(this);
    m_controller = controller;
    if (m_controller) {
        connect(m_controller, &SessionController::signedInChanged, this,
                &IdleLock::handleSignedInChanged);
        connect(m_controller, &SessionController::connectionChanged, this,
                &IdleLock::loadSavedIdleMinutes);
    }
    loadSavedIdleMinutes();
    handleSignedInChanged();
    emit controllerChanged();
}

void IdleLock::setIdleMinutes(int minutes)
{
    if (minutes < kMinIdleMinutes || minutes > kMaxIdleMinutes) {
        qCWarning(lcUiSession) << "ignoring an idle lock time of" << minutes << "minutes";
        return;
    }
    m_idleMinutesOverridden = true;
    if (minutes == m_idleMinutes)
        return;
    m_idleMinutes = minutes;
    emit idleMinutesChanged();
    checkIdle();
}

Result<int> IdleLock::parseIdleMinutes(const QString& text)
{
    bool ok = false;
    const int minutes = text.trimmed().toInt(&ok);
    if (!ok || minutes < kMinIdleMinutes || minutes > kMaxIdleMinutes) {
        return makeError(QString::fromLatin1(errc::kInvalidRequest),
                         tr("\"%1\" is not a valid idle time. Enter whole minutes from %2 to %3.")
                             .arg(text.trimmed().left(32))
                             .arg(kMinIdleMinutes)
                             .arg(kMaxIdleMinutes));
    }
    return minutes;
}

void IdleLock::setClock(Clock clock)
{
    m_clock = std::move(clock);
    m_lastActivityMs = m_clock();
}

QString IdleLock::settingsFilePath() const
{
    const QString configured = m_controller ? m_controller->profileDir() : QString();
    return QDir(client::ProfileSettings::resolveProfileDir(configured))
        .filePath(QLatin1String(kSettingsFileName));
}

void IdleLock::loadSavedIdleMinutes()
{
    if (m_idleMinutesOverridden)
        return;
    const QSettings settings(settingsFilePath(), QSettings::IniFormat);
    const QVariant saved = settings.value(QLatin1String(kIdleMinutesKey));
    int minutes = kDefaultIdleMinutes;
    if (saved.isValid()) {
        const auto parsed = parseIdleMinutes(saved.toString());
        if (parsed)
            minutes = parsed.value();
        else
            qCWarning(lcUiSession) << "the saved idle lock time is invalid; using the default of"
                                   << kDefaultIdleMinutes << "minutes";
    }
    if (minutes == m_idleMinutes)
        return;
    m_idleMinutes = minutes;
    emit idleMinutesChanged();
}

QString IdleLock::saveIdleMinutes(const QString& text)
{
    const auto minutes = parseIdleMinutes(text);
    if (!minutes)
        return minutes.error().message;
    const client::ProfileSettings profile(m_controller ? m_controller->profileDir() : QString());
    if (auto created = profile.ensureProfileDir(); !created)
        return created.error().message;
    QSettings settings(settingsFilePath(), QSettings::IniFormat);
    settings.setValue(QLatin1String(kIdleMinutesKey), minutes.value());
    settings.sync();
    if (settings.status() != QSettings::NoError) {
        qCWarning(lcUiSession) << "could not save the idle lock time:" << settings.status();
        return tr("The idle time could not be saved in %1. Check that the folder is writable.")
            .arg(QDir::toNativeSeparators(settingsFilePath()));
    }
    qCInfo(lcUiSession) << "idle lock time set to" << minutes.value() << "minutes";
    setIdleMinutes(minutes.value());
    return {};
}

bool IdleLock::eventFilter(QObject* watched, QEvent* event)
{
    // Input reaches the window first and then its items, so counting it at the window counts
    // it once.
    if (!m_locked && watched->isWindowType() && isUserInput(event->type()))
        m_lastActivityMs = m_clock();
    return QObject::eventFilter(watched, event);
}

void IdleLock::noteActivity()
{
    if (!m_locked)
        m_lastActivityMs = m_clock();
}

void IdleLock::checkIdle()
{
    if (!m_controller || !m_controller->isSignedIn() || m_locked) {
        m_timer.stop();
        return;
    }
    const qint64 idleMs = m_clock() - m_lastActivityMs;
    const qint64 limitMs = qint64(m_idleMinutes) * kMsPerMinute;
    if (idleMs >= limitMs) {
        qCInfo(lcUiSession) << "locking after" << m_idleMinutes << "idle minutes";
        lock();
        return;
    }
    scheduleCheck(limitMs - idleMs);
}

void IdleLock::scheduleCheck(qint64 delayMs)
{
    m_timer.start(int(std::clamp<qint64>(delayMs, 0, kMaxCheckIntervalMs)));
}

void IdleLock::lock()
{
    if (!m_controller || !m_controller->isSignedIn() || m_locked)
        return;
    m_timer.stop();
    m_failedAttempts = 0;
    setErrorString({});
    setLocked(true);
    qCInfo(lcUiSession) << "locked";
}

void IdleLock::handleSignedInChanged()
{
    if (m_controller && m_controller->isSignedIn()) {
        loadSavedIdleMinutes();
        m_lastActivityMs = m_clock();
        checkIdle();
        return;
    }
    // After a sign-out, from the lock screen or elsewhere, the sign-in page needs no lock.
    m_timer.stop();
    m_failedAttempts = 0;
    setBusy(false);
    setErrorString({});
    setLocked(false);
}

void IdleLock::unlock(const QString& password)
{
    if (!m_locked || m_busy || !m_controller)
        return;
    if (password.isEmpty()) {
        setErrorString(tr("Enter your password to unlock."));
        return;
    }
    setErrorString({});
    setBusy(true);
    // The account request also confirms that the session is still valid. A password change
    // or reset elsewhere ends the session, and the app then signs out instead of unlocking.
    whenFinished(
        m_controller->session()->account(), this, [this, password](const ClientTask& task) {
            if (!m_locked)
                return;
            if (!task.succeeded()) {
                if (isUnreachable(task.error())) {
                    checkLocally(password);
                    return;
                }
                qCInfo(lcUiSession) << "unlock: reading the account failed:" << task.error().code;
                failUnlock(task.error().message);
                return;
            }
            const QJsonObject account = task.result().toObject();
            // A server sign-in of an account with e-mail codes would e-mail a code
            // at every unlock, so those accounts use the local check.
            if (account.value(QStringLiteral("mfa_enabled")).toBool()) {
                checkLocally(password);
                return;
            }
            checkOnServer(account.value(QStringLiteral("email")).toString(), password);
        });
}

void IdleLock::checkOnServer(const QString& email, const QString& password)
{
    whenFinished(
        m_controller->session()->verifyPassword(email, password, SessionController::deviceName()),
        this, [this, password](const ClientTask& task) {
            if (!m_locked)
                return;
            if (task.succeeded()) {
                qCInfo(lcUiSession) << "unlocked with a password the server accepted";
                // Keeps the local check in step with the password the server accepts now.
                m_controller->storeUnlockVerifier(password);
                finishUnlock();
                return;
            }
            const QString code = task.error().code;
            if (isUnreachable(task.error())) {
                checkLocally(password);
            } else if (code == QLatin1String(errc::kInvalidCredentials)) {
                rejectPassword();
            } else if (code == QLatin1String(client::autherr::kAccountLocked)) {
                const QDateTime until = QDateTime::fromString(
                    task.errorDetails().value(QStringLiteral("unlock_at")).toString(), Qt::ISODate);
                failUnlock(tr("Your account is locked after too many wrong passwords until %1. "
                              "Wait, ask an administrator to unlock it, or sign out.")
                               .arg(until.isValid() ? until.toLocalTime().toString(
                                                          QStringLiteral("yyyy-MM-dd HH:mm"))
                                                    : tr("the lockout ends")));
            } else {
                qCInfo(lcUiSession) << "unlock: the password check failed:" << code;
                failUnlock(task.error().message);
            }
        });
}

void IdleLock::checkLocally(const QString& password)
{
    m_verifier->check(m_controller->serverUrl(), password, [this](Result<bool> matches) {
        if (!m_locked)
            return;
        if (!matches) {
            qCWarning(lcUiSession)
                << "unlock: the local password check failed:" << matches.error().code;
            failUnlock(matches.error().message);
            return;
        }
        if (!matches.value()) {
            rejectPassword();
            return;
        }
        qCInfo(lcUiSession) << "unlocked with the local password check";
        finishUnlock();
    });
}

void IdleLock::finishUnlock()
{
    m_failedAttempts = 0;
    setBusy(false);
    setErrorString({});
    m_lastActivityMs = m_clock();
    setLocked(false);
    checkIdle();
}

void IdleLock::rejectPassword()
{
    ++m_failedAttempts;
    qCInfo(lcUiSession) << "unlock: wrong password, attempt" << m_failedAttempts << "of"
                        << kMaxUnlockAttempts;
    setBusy(false);
    if (m_failedAttempts >= kMaxUnlockAttempts) {
        m_controller->signOutWithMessage(
            tr("ChartInsight signed you out after %1 wrong passwords at the lock screen.")
                .arg(m_failedAttempts));
        return;
    }
    const int left = kMaxUnlockAttempts - m_failedAttempts;
    setErrorString(left == 1 ? tr("The password is wrong. After one more wrong password "
                                  "ChartInsight signs you out.")
                             : tr("The password is wrong. After %1 more wrong passwords "
                                  "ChartInsight signs you out.")
                                   .arg(left));
}

void IdleLock::failUnlock(const QString& message)
{
    setBusy(false);
    setErrorString(message);
}

void IdleLock::signOut()
{
    if (m_controller)
        m_controller->signOut();
}

void IdleLock::setLocked(bool locked)
{
    if (locked == m_locked)
        return;
    m_locked = locked;
    emit lockedChanged();
}

void IdleLock::setBusy(bool busy)
{
    if (busy == m_busy)
        return;
    m_busy = busy;
    emit busyChanged();
}

void IdleLock::setErrorString(const QString& errorString)
{
    if (errorString == m_errorString)
        return;
    m_errorString = errorString;
    emit errorStringChanged();
}

} // namespace chartinsight::ui

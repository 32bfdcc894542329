#pragma once

#include "core/Result.h"
#include "ui/SessionController.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QTimer>
#include <QtQml/qqmlregistration.h>

#include <functional>

namespace chartinsight::ui {

class UnlockVerifier;

// The idle lock of the desktop app. After idleMinutes without keyboard, mouse, wheel or touch
// input in any window of the application, a signed-in app locks. QML then covers every page
// with the lock screen and hides them, and only the password (or signing out) ends the lock.
//
// Unlocking checks the password with the server when it can be reached and the account has no
// e-mail codes, so wrong passwords count toward the server's lockout. Otherwise the password is
// checked against the hash that UnlockVerifier stored at sign-in. After kMaxUnlockAttempts wrong
// passwords in a row the app signs out.
//
// The clock is injectable and checkIdle() is public, so tests drive the lock without waiting.
// The idle time is saved in the profile folder's desktop.ini, and a value from the command
// line applies to this run only.
class IdleLock : public QObject
{
    Q_OBJECT
    QML_ELEMENT

    Q_PROPERTY(
        SessionController* controller READ controller WRITE setController NOTIFY controllerChanged)
    // Minutes without input before the lock engages, kMinIdleMinutes..kMaxIdleMinutes.
    Q_PROPERTY(int idleMinutes READ idleMinutes WRITE setIdleMinutes NOTIFY idleMinutesChanged)
    Q_PROPERTY(int minIdleMinutes READ minIdleMinutes CONSTANT)
    Q_PROPERTY(int maxIdleMinutes READ maxIdleMinutes CONSTANT)
    Q_PROPERTY(bool locked READ isLocked NOTIFY lockedChanged)
    Q_PROPERTY(bool busy READ isBusy NOTIFY busyChanged)
    Q_PROPERTY(QString errorString READ errorString NOTIFY errorStringChanged)

public:
    // Milliseconds since an arbitrary start. The default counts time in suspend too, so a
    // laptop that sleeps past the idle time locks when it wakes.
    using Clock = std::function<qint64()>;

    static constexpr int kDefaultIdleMinutes = 15;
    static constexpr int kMinIdleMinutes = 1;
    static constexpr int kMaxIdleMinutes = 240;
    static constexpr int kMaxUnlockAttempts = 5;
    // Maximum wait between two idle checks, so that a clock that counted a suspend is noticed
    // soon after the wake-up.
    static constexpr int kMaxCheckIntervalMs = 5000;

    explicit IdleLock(QObject* parent = nullptr);
    ~IdleLock() override;

    SessionController* controller() const { return m_controller; }
    void setController(SessionController* controller);
    int idleMinutes() const { return m_idleMinutes; }
    static int minIdleMinutes() { return kMinIdleMinutes; }
    static int maxIdleMinutes() { return kMaxIdleMinutes; }
    // Applies `minutes` for this run without saving it. Values out of range are ignored with a
    // warning, so check text with parseIdleMinutes first.
    void setIdleMinutes(int minutes);
    bool isLocked() const { return m_locked; }
    bool isBusy() const { return m_busy; }
    QString errorString() const { return m_errorString; }

    // Parses an idle time in whole minutes, kMinIdleMinutes..kMaxIdleMinutes. The error names
    // the value and the range.
    static Result<int> parseIdleMinutes(const QString& text);

    // Replaces the clock, for tests. Call before signing in.
    void setClock(Clock clock);

    // Applies and saves `text` as the idle time. Returns an empty string, or the error message.
    Q_INVOKABLE QString saveIdleMinutes(const QString& text);
    // Counts as input, so the idle time starts again.
    Q_INVOKABLE void noteActivity();
    // Locks when the idle time has passed. The timer calls it, and tests call it after moving
    // the clock.
    Q_INVOKABLE void checkIdle();
    // Locks now, if signed in.
    Q_INVOKABLE void lock();
    // Checks `password` and ends the lock when it is right.
    Q_INVOKABLE void unlock(const QString& password);
    // Signs out from the lock screen.
    Q_INVOKABLE void signOut();

signals:
    void controllerChanged();
    void idleMinutesChanged();
    void lockedChanged();
    void busyChanged();
    void errorStringChanged();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void handleSignedInChanged();
    void loadSavedIdleMinutes();
    QString settingsFilePath() const;
    void scheduleCheck(qint64 delayMs);
    void checkOnServer(const QString& email, const QString& password);
    void checkLocally(const QString& password);
    void finishUnlock();
    void rejectPassword();
    void failUnlock(const QString& message);
    void setLocked(bool locked);
    void setBusy(bool busy);
    void setErrorString(const QString& errorString);

    QPointer<SessionController> m_controller;
    UnlockVerifier* m_verifier;
    Clock m_clock;
    QTimer m_timer;
    qint64 m_lastActivityMs = 0;
    int m_idleMinutes = kDefaultIdleMinutes;
    int m_failedAttempts = 0;
    bool m_idleMinutesOverridden = false;
    bool m_locked = false;
    bool m_busy = false;
    QString m_errorString;
};

} // namespace chartinsight::ui

#pragma once

#include <QObject>
#include <QString>
#include <QtQml/qqmlregistration.h>

namespace chartinsight::ui {

// Masking of sensitive values in the desktop app: patient names, record titles, file names and
// e-mail addresses. While privacy mode is on, or while the idle lock holds the window, every
// SensitiveLabel and every text built with display() or `masking` shows kMaskedText instead of the value,
// also to accessibility tools. Privacy mode is a setting of the profile (desktop.ini) that
// the settings page and the shortcut Ctrl+Shift+P switch; Main.qml binds `locked` to the idle
// lock. It logs only the switch, never a value.
class PrivacyMode : public QObject
{
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

    Q_PROPERTY(bool enabled READ isEnabled WRITE setEnabled NOTIFY enabledChanged)
    Q_PROPERTY(bool locked READ isLocked WRITE setLocked NOTIFY lockedChanged)
    // Whether sensitive values are masked now: enabled or locked.
    Q_PROPERTY(bool masking READ isMasking NOTIFY maskingChanged)
    Q_PROPERTY(QString maskedText READ maskedText CONSTANT)

public:
    // Same length for every value, so the mask does not tell how long a name is.
    static constexpr char16_t kMaskedText[] = u"\u2022\u2022\u2022\u2022\u2022\u2022";

    // Reads the saved setting from desktop.ini in `profileDir` (empty: the default profile).
    explicit PrivacyMode(QObject* parent = nullptr, const QString& profileDir = {});

    bool isEnabled() const { return m_enabled; }
    // Switches privacy mode and saves the choice; a failed save is logged and the mode still
    // applies to this run.
    void setEnabled(bool enabled);
    bool isLocked() const { return m_locked; }
    void setLocked(bool locked);
    bool isMasking() const { return m_enabled || m_locked; }
    static QString maskedText() { return QString::fromUtf16(kMaskedText); }

    // Returns `value`, or kMaskedText while masking, for texts built in C++. A QML binding
    // reads `masking` itself instead, because it does not see the property a call reads.
    Q_INVOKABLE QString display(const QString& value) const;

signals:
    void enabledChanged();
    void lockedChanged();
    void maskingChanged();

private:
    QString settingsFilePath() const;

    QString m_profileDir;
    bool m_enabled = false;
    bool m_locked = false;
};

} // namespace chartinsight::ui

// chartinsight: the desktop app. Parses the command line, picks the server (flag, else the
// profile's last sign-in, else the local default) and loads the QML user interface.

#include "client/ProfileSettings.h"
#include "core/Logging.h"
#include "ui/DesktopEngine.h"
#include "ui/IdleLock.h"
#include "ui/PasswordReset.h"
#include "ui/SessionController.h"

#include <QCommandLineParser>
#include <QFileInfo>
#include <QGuiApplication>
#include <QIcon>
#include <QLoggingCategory>
#include <QQmlApplicationEngine>
#include <QtQml/QQmlExtensionPlugin>

#include <cstdio>
#include <optional>

Q_IMPORT_QML_PLUGIN(ChartInsight_UiPlugin)
Q_IMPORT_QML_PLUGIN(ChartInsight_DesktopPlugin)

namespace {

Q_LOGGING_CATEGORY(lcDesktop, "chartinsight.app.desktop", QtInfoMsg)

constexpr char kDefaultServerUrl[] = "https://127.0.0.1:8443";
constexpr char kIconPath[] = ":/chartinsight/chartinsight.svg";
constexpr int kUsageExitCode = 2;

struct Options
{
    QString serverUrl;
    QString caFile;
    QString signatureDir;
    // Minutes without input before the window locks, or 0 for the saved setting.
    int idleLockMinutes = 0;
    // chartinsight://reset-password?token=T from a reset e-mail, or empty. Never logged.
    QString resetLink;
    std::optional<QtMsgType> logLevel; // --log-level; unset keeps info
};

void printError(const QString& message)
{
    std::fprintf(stderr, "chartinsight: %s\n", qPrintable(message));
}

// Parses the command line; prints help, the version or a usage error and exits when asked to
// or when an option is invalid. Needs only a QCoreApplication, so it works without a display.
Options parseCommandLine(const QCoreApplication& application)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        QStringLiteral("ChartInsight: upload and view medical records. Files are scanned for "
                       "malware on this computer and on the server before they are stored."));
    parser.addHelpOption();
    parser.addVersionOption();
    const QCommandLineOption serverOption(
        QStringLiteral("server"),
        QStringLiteral("Server address, https://HOST:PORT. Default: the server of the last "
                       "sign-in, else %1.")
            .arg(QLatin1String(kDefaultServerUrl)),
        QStringLiteral("URL"));
    const QCommandLineOption caFileOption(
        QStringLiteral("ca-file"),
        QStringLiteral("PEM file with the certificate authority, or the server's self-signed "
                       "certificate, to trust for the server. Default: the file saved at the "
                       "last sign-in to that server; without one the app shows the server's "
                       "fingerprint and asks."),
        QStringLiteral("FILE"));
    const QCommandLineOption signaturesOption(
        QStringLiteral("signatures"),
        QStringLiteral("Folder of ClamAV signature databases for the scan before upload. "
                       "Default: $CHARTINSIGHT_SIGNATURES, else /var/lib/clamav."),
        QStringLiteral("DIR"));
    const QCommandLineOption idleLockOption(
        QStringLiteral("idle-lock-minutes"),
        QStringLiteral("Minutes without keyboard or mouse input before the window locks and "
                       "asks for the password again, %1 to %2, for this run only. Default: the "
                       "value saved in the settings, else %3.")
            .arg(chartinsight::ui::IdleLock::kMinIdleMinutes)
            .arg(chartinsight::ui::IdleLock::kMaxIdleMinutes)
            .arg(chartinsight::ui::IdleLock::kDefaultIdleMinutes),
        QStringLiteral("N"));
    const QCommandLineOption logLevelOption = chartinsight::logLevelOption();
    parser.addOptions(
        {serverOption, caFileOption, signaturesOption, idleLockOption, logLevelOption});
    parser.addPositionalArgument(QStringLiteral("link"),
                                 QStringLiteral("Optional password reset link from a reset e-mail, "
                                                "chartinsight://reset-password?token=TOKEN."),
                                 QStringLiteral("[link]"));
    parser.process(application);

    const QStringList positional = parser.positionalArguments();
    Options options;
    if (positional.size() == 1 &&
        positional.constFirst().startsWith(QLatin1String("chartinsight:"))) {
        // The link carries a secret token, so the error message does not repeat it.
        const auto token = chartinsight::ui::PasswordReset::tokenFromLink(positional.constFirst());
        if (!token) {
            printError(
                QStringLiteral("invalid password reset link: %1").arg(token.error().message));
            std::exit(kUsageExitCode);
        }
        options.resetLink = positional.constFirst();
    } else if (!positional.isEmpty()) {
        printError(QStringLiteral("unexpected argument \"%1\"; see chartinsight --help.")
                       .arg(positional.constFirst()));
        std::exit(kUsageExitCode);
    }

    if (parser.isSet(logLevelOption)) {
        const auto level = chartinsight::parseLogLevel(parser.value(logLevelOption));
        if (!level) {
            printError(QStringLiteral("invalid --log-level: %1").arg(level.error().message));
            std::exit(kUsageExitCode);
        }
        options.logLevel = level.value();
    }

    const chartinsight::client::ProfileSettings profile{QString()};
    options.serverUrl = parser.value(serverOption);
    options.caFile = parser.value(caFileOption);
    const QString savedServerUrl = profile.savedServerUrl();
    if (options.serverUrl.isEmpty())
        options.serverUrl =
            savedServerUrl.isEmpty() ? QLatin1String(kDefaultServerUrl) : savedServerUrl;
    // The saved CA file belongs to the saved server only.
    if (options.caFile.isEmpty() && options.serverUrl == savedServerUrl)
        options.caFile = profile.savedCaFile();
    options.signatureDir = parser.value(signaturesOption);
    if (parser.isSet(idleLockOption)) {
        const auto minutes =
            chartinsight::ui::IdleLock::parseIdleMinutes(parser.value(idleLockOption));
        if (!minutes) {
            printError(
                QStringLiteral("invalid --idle-lock-minutes: %1").arg(minutes.error().message));
            std::exit(kUsageExitCode);
        }
        options.idleLockMinutes = minutes.value();
    }

    const auto serverUrl = chartinsight::ui::SessionController::parseServerUrl(options.serverUrl);
    if (!serverUrl) {
        printError(QStringLiteral("invalid --server: %1").arg(serverUrl.error().message));
        std::exit(kUsageExitCode);
    }
    options.serverUrl = serverUrl->toString();
    if (!options.caFile.isEmpty() && !QFileInfo(options.caFile).isFile()) {
        printError(QStringLiteral("the CA file %1 was not found. Give an existing PEM file with "
                                  "--ca-file, or leave it out to check the server's fingerprint.")
                       .arg(options.caFile));
        std::exit(kUsageExitCode);
    }
    if (!options.signatureDir.isEmpty() && !QFileInfo(options.signatureDir).isDir()) {
        printError(QStringLiteral("the signature folder %1 was not found. Give a folder of ClamAV "
                                  "databases with --signatures.")
                       .arg(options.signatureDir));
        std::exit(kUsageExitCode);
    }
    return options;
}

void saveConnection(const chartinsight::ui::SessionController& controller)
{
    if (!controller.isSignedIn())
        return;
    chartinsight::client::ProfileSettings profile(controller.profileDir());
    if (auto saved = profile.saveConnection(controller.serverUrl(), controller.caFile()); !saved)
        qCWarning(lcDesktop) << "could not save the server address for the next start:"
                             << saved.error().code;
}

void setApplicationInfo()
{
    QCoreApplication::setApplicationName(QStringLiteral("ChartInsight"));
    QCoreApplication::setOrganizationName(QStringLiteral("ChartInsight"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CHARTINSIGHT_VERSION));
}

} // namespace

int main(int argc, char* argv[])
{
    setApplicationInfo();
    chartinsight::installLogHandler();

    // The command line is read before the GUI application exists: QGuiApplication aborts
    // without a display, and --help must work on a server console too.
    std::optional<Options> options;
    {
        const QCoreApplication parsing(argc, argv);
        options = parseCommandLine(parsing);
    }
    if (options->logLevel)
        chartinsight::setLogLevel(*options->logLevel);

    QGuiApplication application(argc, argv);
    setApplicationInfo();
    QGuiApplication::setApplicationDisplayName(QStringLiteral("ChartInsight"));
    QGuiApplication::setWindowIcon(QIcon(QLatin1String(kIconPath)));
    chartinsight::ui::DesktopEngine::selectStyle();

    // Declared before the engine, so that it outlives the QML objects bound to it.
    chartinsight::ui::SessionController controller;
    controller.setServerUrl(options->serverUrl);
    controller.setCaFile(options->caFile);
    controller.setSignatureDir(options->signatureDir);
    // The next start offers the server of the last successful sign-in.
    QObject::connect(&controller, &chartinsight::ui::SessionController::signedInChanged,
                     &controller, [&controller] { saveConnection(controller); });

    QQmlApplicationEngine engine;
    chartinsight::ui::DesktopEngine::prepare(engine);
    engine.setInitialProperties({{QStringLiteral("controller"), QVariant::fromValue(&controller)},
                                 {QStringLiteral("resetLink"), options->resetLink},
                                 {QStringLiteral("idleLockMinutes"), options->idleLockMinutes}});
    engine.load(chartinsight::ui::DesktopEngine::mainQmlUrl());
    if (engine.rootObjects().isEmpty()) {
        qCCritical(lcDesktop) << "the user interface could not be loaded";
        printError(QStringLiteral("the user interface could not be loaded; the messages above "
                                  "name the QML error. Rebuild the app, or report this."));
        return 1;
    }
    qCInfo(lcDesktop) << "started";
    const int exitCode = QGuiApplication::exec();
    qCInfo(lcDesktop) << "stopped with exit code" << exitCode;
    return exitCode;
}

#pragma once

#include <QCoreApplication>
#include <QString>
#include <QStringList>

namespace aio::cli {

// The command line, split into the global options and the rest. Decides whether this run is a
// command-line run (QCoreApplication, no display) or the GUI.
struct Invocation
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::Invocation)

public:
    QString profileDir; // --profile DIR / --profile=DIR; empty when not given
    bool debugLog = false; // --debug: the aio.* debug and info log lines on stderr
    QStringList rest; // everything else, in order, without the program name
    bool isCli = false; // a command, --help or --version: no display is needed
    QString usageError; // set when the global options themselves are wrong (e.g. --profile without DIR)

    // arguments as in argv, program name first.
    static Invocation parse(const QStringList& arguments);
};

// The app's own debug and info log lines reach stderr only with --debug (or when the user set
// QT_LOGGING_RULES themselves); warnings always do. For the CLI and the GUI alike.
void applyLogRules(const Invocation& invocation);

// Runs a command-line invocation; needs a QCoreApplication. Returns the process exit code.
int run(const Invocation& invocation);

// The global --help text.
QString globalHelp();

} // namespace aio::cli

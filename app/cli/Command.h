#pragma once

#include "core/common/Error.h"
#include "core/common/Result.h"
#include "core/inventory/Target.h"

#include <QCoreApplication>
#include <QString>
#include <QStringList>
#include <QTextStream>

#include <memory>
#include <vector>

namespace aio {
class Inventory;
}

namespace aio::cli {

// Exit codes every command uses.
enum ExitCode : int {
    ExitOk = 0,
    ExitUserError = 1, // the request was understood but refused or failed; a message is on stderr
    ExitUsage = 2, // the command line itself is wrong
};

// What a command gets to work with: the output streams and the inventory of the selected
// profile, loaded on first use.
class CommandContext
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::CommandContext)

public:
    CommandContext(QTextStream& out, QTextStream& err);
    ~CommandContext();

    QTextStream& out() { return m_out; }
    QTextStream& err() { return m_err; }

    // Prints "error: …" (with the detail and next step) to stderr and returns ExitUserError.
    int fail(const Error& error);
    // Prints "usage error: …" and a pointer to --help to stderr and returns ExitUsage.
    int usageError(const QString& message, const QString& command);
    // Prints "warning: …" to stderr.
    void warn(const QString& message);

    // The profile's inventory, loaded from its file on first use. Null after a load error, which
    // is then in inventoryError().
    Inventory* inventory();
    // The target of that name in the profile's inventory (the inventory's load error, or "no
    // target named …" with the next step).
    Result<Target> target(const QString& name);
    const Error& inventoryError() const { return m_inventoryError; }

private:
    QTextStream& m_out;
    QTextStream& m_err;
    std::unique_ptr<Inventory> m_inventory;
    Error m_inventoryError;
    bool m_loaded = false;
};

// One top-level command ("targets", "deploy", …). Each lives in its own file in app/cli/ and
// registers itself with AIO_REGISTER_COMMAND(ClassName); app/CMakeLists.txt picks up every
// app/cli/*.cpp, so adding a command touches no shared file.
class Command
{
public:
    virtual ~Command() = default;
    virtual QString name() const = 0; // what the user types: "targets"
    virtual QString summary() const = 0; // one line for the global --help
    virtual QString help() const = 0; // the full usage text, for "<name> --help"
    // args are what follows the command name. Returns an ExitCode.
    virtual int run(const QStringList& args, CommandContext& context) = 0;
};

class CommandRegistry
{
public:
    static CommandRegistry& instance();
    bool add(std::unique_ptr<Command> command);
    Command* find(const QString& name) const;
    // Sorted by name.
    std::vector<Command*> commands() const;

private:
    std::vector<std::unique_ptr<Command>> m_commands;
};

} // namespace aio::cli

#define AIO_REGISTER_COMMAND(ClassName)                                                                                \
    namespace {                                                                                                        \
    const bool registered##ClassName = ::aio::cli::CommandRegistry::instance().add(std::make_unique<ClassName>());     \
    }

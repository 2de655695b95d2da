#include "app/cli/Command.h"

#include "core/inventory/Inventory.h"

#include <QCoreApplication>

#include <algorithm>

namespace aio::cli {

CommandContext::CommandContext(QTextStream& out, QTextStream& err)
    : m_out(out)
    , m_err(err)
{ }

CommandContext::~CommandContext() = default;

int CommandContext::fail(const Error& error)
{
    m_err << tr("error: %1")
                 .arg(error.target.isEmpty() ? error.message : error.target + QStringLiteral(": ") + error.message)
          << Qt::endl;
    if (!error.detail.isEmpty() && error.detail != error.message)
        m_err << tr("  detail: %1").arg(error.detail) << Qt::endl;
    if (!error.nextStep.isEmpty())
        m_err << tr("  next step: %1").arg(error.nextStep) << Qt::endl;
    return ExitUserError;
}

int CommandContext::usageError(const QString& message, const QString& command)
{
    m_err << tr("usage error: %1").arg(message) << Qt::endl;
    m_err << tr("Run \"aio-sandbox-manager %1 --help\" for the usage.").arg(command) << Qt::endl;
    return ExitUsage;
}

void CommandContext::warn(const QString& message)
{
    m_err << tr("warning: %1").arg(message) << Qt::endl;
}

Inventory* CommandContext::inventory()
{
    if (!m_loaded) {
        m_loaded = true;
        auto inventory = std::make_unique<Inventory>();
        const Status s = inventory->load();
        if (!s && inventory->count() > 0) {
            // Readable but not writable (an older file that could not be converted): its targets
            // can be listed and used; a change says why it is refused.
            warn(s.error().toString());
            m_inventory = std::move(inventory);
        } else if (!s) {
            m_inventoryError = s.error();
        } else {
            m_inventory = std::move(inventory);
        }
    }
    return m_inventory.get();
}

Result<Target> CommandContext::target(const QString& name)
{
    Inventory* loaded = inventory();
    if (!loaded)
        return m_inventoryError;
    return loaded->get(name);
}

CommandRegistry& CommandRegistry::instance()
{
    static CommandRegistry registry;
    return registry;
}

bool CommandRegistry::add(std::unique_ptr<Command> command)
{
    if (!command || find(command->name()))
        return false;
    m_commands.push_back(std::move(command));
    return true;
}

Command* CommandRegistry::find(const QString& name) const
{
    for (const auto& c : m_commands) {
        if (c->name() == name)
            return c.get();
    }
    return nullptr;
}

std::vector<Command*> CommandRegistry::commands() const
{
    std::vector<Command*> list;
    for (const auto& c : m_commands)
        list.push_back(c.get());
    std::sort(list.begin(), list.end(), [](Command* a, Command* b) { return a->name() < b->name(); });
    return list;
}

} // namespace aio::cli

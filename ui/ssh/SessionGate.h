#pragma once

#include "core/ssh/ConnectionCheck.h"
#include "ui/ssh/SshHostFactory.h"

#include <QCoreApplication>

#include <memory>
#include <shared_mutex>

namespace aio::ui {

// Sessions for work that runs on worker threads while a page lives. The page owns the factory
// (its dialogs open over the page) and closes the gate when it goes; workers make sessions and
// report through the gate, so they never touch a page or factory that is gone.
class SessionGate
{
    Q_DECLARE_TR_FUNCTIONS(aio::ui::SessionGate)

public:
    explicit SessionGate(SshHostFactory* factory)
        : m_factory(factory)
    { }

    // The page is going: later sessions are refused, later reports dropped. Waits for a session
    // being made right now (its construction only: no network, no question).
    void close()
    {
        const std::unique_lock lock(m_mutex);
        m_factory = nullptr;
    }

    // A factory for ConnectionCheck::runMany / VmChecklist::auditMany that goes through the gate.
    static ConnectionCheck::SessionFactory factory(const std::shared_ptr<SessionGate>& gate)
    {
        return [gate](const Target& t) -> Result<std::shared_ptr<SshSession>> {
            const std::shared_lock lock(gate->m_mutex);
            if (!gate->m_factory)
                return Error(ErrorKind::Cancelled, tr("The window was closed."));
            return gate->m_factory->createSession(t);
        };
    }

    // Runs report() only while the gate is open; the page cannot go while it runs.
    template <typename F>
    void whileOpen(F&& report)
    {
        const std::shared_lock lock(m_mutex);
        if (m_factory)
            report();
    }

private:
    std::shared_mutex m_mutex;
    SshHostFactory* m_factory = nullptr;
};

} // namespace aio::ui

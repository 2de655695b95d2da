#pragma once

#include "app/cli/Command.h"
#include <QCoreApplication>

namespace aio::cli {

// `aio-sandbox-manager deploy TARGET --answers answers.json [--dry-run] [--yes] …`: builds the
// VM plan from the answers and runs it with the same PlanRunner the wizard uses, printing every
// step's preview (commands, diffs), asking before each change unless --yes, streaming command
// output, and printing verify results with ✓/✗ and evidence. Exit 0 only when every step is
// done (applied or already done) or does not apply; with --dry-run, when every preview worked.
class DeployCommand : public Command
{
    Q_DECLARE_TR_FUNCTIONS(aio::cli::DeployCommand)

public:
    QString name() const override { return QStringLiteral("deploy"); }
    QString summary() const override;
    QString help() const override;
    int run(const QStringList& args, CommandContext& context) override;
};

} // namespace aio::cli

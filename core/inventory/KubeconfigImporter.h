#pragma once

#include "core/common/Result.h"
#include "core/inventory/ImportResult.h"

#include <QCoreApplication>
#include <QString>

namespace aio {

// Turns the contexts of a kubeconfig into cluster targets (context name, namespace, the
// kubeconfig's absolute path). A context is skipped, with its line and the reason, when it has
// no name, refers to a cluster or user the file does not define, or names an invalid namespace.
class KubeconfigImporter
{
    Q_DECLARE_TR_FUNCTIONS(aio::KubeconfigImporter)

public:
    // $KUBECONFIG's first file, else ~/.kube/config.
    static QString defaultPath();

    // NotFound / Io when the file cannot be read, Corrupt when it is not YAML or has no contexts
    // list; otherwise whatever could be imported.
    static Result<ImportResult> importFile(const QString& path);
    // The same for text already read; `path` names it in messages and in the imported targets.
    static Result<ImportResult> parse(const QByteArray& text, const QString& path);
};

} // namespace aio

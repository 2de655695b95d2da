#include "core/ssh/RemoteHost.h"

#include "core/common/ShellQuote.h"

namespace aio {

QString RemoteCommand::displayText() const
{
    QString text = script.isEmpty() ? shellJoin(argv) : QStringLiteral("sh -c ") + shellQuote(script);
    return sudo ? QStringLiteral("sudo ") + text : text;
}

} // namespace aio

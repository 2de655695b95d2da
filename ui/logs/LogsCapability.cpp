#include "ui/logs/LogsCapability.h"

#include "ui/logs/LogsPage.h"
#include "ui/targets/TargetPage.h"

#include <QCoreApplication>

namespace aio::ui {

void registerLogsCapability()
{
    TargetCapability capability;
    capability.id = QStringLiteral("logsTab");
    capability.title = QCoreApplication::translate("aio::ui::LogsCapability", "Logs");
    capability.order = 30;
    capability.appliesTo = [](const Target& target) {
        return target.isVm();
    };
    capability.create = [](TargetPage* page) -> QWidget* {
        auto* logs = new LogsPage(page->target(), page->secrets());
        QObject::connect(page, &TargetPage::targetChanged, logs, &LogsPage::setTarget);
        return logs;
    };
    TargetPage::registerCapability(capability);
}

} // namespace aio::ui

#include "ui/tunnels/TunnelCapability.h"

#include "ui/targets/TargetPage.h"
#include "ui/tunnels/TunnelPage.h"

#include <QCoreApplication>

namespace aio::ui {

void registerTunnelCapability()
{
    TargetCapability capability;
    capability.id = QStringLiteral("tunnelTab");
    capability.title = QCoreApplication::translate("aio::ui::TunnelCapability", "Tunnel");
    capability.order = 40;
    capability.appliesTo = [](const Target& target) {
        return target.isVm();
    };
    capability.create = [](TargetPage* page) -> QWidget* {
        auto* tunnel = new TunnelPage(page->target(), page->secrets());
        QObject::connect(page, &TargetPage::targetChanged, tunnel, &TunnelPage::setTarget);
        return tunnel;
    };
    TargetPage::registerCapability(capability);
}

} // namespace aio::ui

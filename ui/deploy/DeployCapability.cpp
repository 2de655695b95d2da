#include "ui/deploy/DeployCapability.h"

#include "core/inventory/Inventory.h"
#include "ui/deploy/DeployWizard.h"
#include "ui/targets/TargetPage.h"
#include "ui/widgets/MessageBox.h"

#include <QCoreApplication>

namespace aio::ui {

void registerDeployCapability()
{
    TargetCapability capability;
    capability.id = QStringLiteral("deployTab");
    capability.title = QCoreApplication::translate("aio::ui::DeployCapability", "Deploy");
    capability.order = 10;
    capability.appliesTo = [](const Target& target) {
        return target.isVm();
    };
    capability.create = [](TargetPage* page) -> QWidget* {
        auto* wizard = new DeployWizard(page->target(), page->secrets());
        QObject::connect(page, &TargetPage::targetChanged, wizard, &DeployWizard::setTarget);
        QObject::connect(wizard, &DeployWizard::targetEdited, page, [page, wizard](const Target& edited) {
            Inventory* inventory = page->inventory();
            if (!inventory)
                return;
            if (const Status saved = inventory->update(edited); !saved)
                MessageBox::tell(wizard, QMessageBox::Warning,
                                 QCoreApplication::translate("aio::ui::DeployCapability", "Target not updated"),
                                 saved.error().toString());
        });
        wizard->load();
        return wizard;
    };
    TargetPage::registerCapability(capability);
}

} // namespace aio::ui

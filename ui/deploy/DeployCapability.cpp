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
            // Only the public host changes; the rest is what the inventory holds now.
            std::optional<Target> current = inventory->findById(edited.id);
            if (!current)
                return;
            const HostName kept = current->vm.publicHost;
            current->vm.publicHost = edited.vm.publicHost;
            if (const Status saved = inventory->update(*current); !saved)
                MessageBox::tell(
                    wizard, QMessageBox::Warning,
                    QCoreApplication::translate("aio::ui::DeployCapability", "Public host not saved with the target"),
                    QCoreApplication::translate("aio::ui::DeployCapability",
                                                "The target keeps \"%1\" as its public host: the next deployment "
                                                "starts from that name again.")
                        .arg(kept.toString()),
                    saved.error().toString());
        });
        wizard->load();
        return wizard;
    };
    TargetPage::registerCapability(capability);
}

} // namespace aio::ui

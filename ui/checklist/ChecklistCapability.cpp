#include "ui/checklist/ChecklistCapability.h"

#include "ui/checklist/ChecklistPage.h"
#include "ui/deploy/DeployWizard.h"
#include "ui/targets/TargetPage.h"

#include <QCoreApplication>
#include <QTabWidget>

namespace aio::ui {

void registerChecklistCapability()
{
    TargetCapability capability;
    capability.id = QStringLiteral("checklistTab");
    capability.title = QCoreApplication::translate("aio::ui::ChecklistCapability", "Checklist");
    capability.order = 20;
    capability.appliesTo = [](const Target& target) {
        return target.isVm();
    };
    capability.create = [](TargetPage* page) -> QWidget* {
        auto* checklist = new ChecklistPage(page->target(), page->secrets());
        QObject::connect(page, &TargetPage::targetChanged, checklist, &ChecklistPage::setTarget);
        QObject::connect(checklist, &ChecklistPage::fixRequested, page, [page](const QString& stepId) {
            QTabWidget* tabs = page->tabs();
            for (int i = 0; i < tabs->count(); ++i) {
                if (auto* wizard = qobject_cast<DeployWizard*>(tabs->widget(i))) {
                    tabs->setCurrentIndex(i);
                    wizard->showStep(stepId);
                    return;
                }
            }
        });
        checklist->load();
        return checklist;
    };
    TargetPage::registerCapability(capability);
}

} // namespace aio::ui

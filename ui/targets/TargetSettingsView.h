#pragma once

#include "core/inventory/Target.h"

#include <QScrollArea>

class QFormLayout;
class QLabel;

namespace aio::ui {

// The Settings tab of a target page: every setting of the target as a tidy read-only form.
// Each value label is named "setting<Field>" (settingHost, settingPort, …) for tests.
class TargetSettingsView : public QScrollArea
{
    Q_OBJECT

public:
    explicit TargetSettingsView(QWidget* parent = nullptr);

    void setTarget(const Target& target);

private:
    void addRow(const QString& key, const QString& label, const QString& value, bool placeholder = false);
    void addSection(const QString& title);

    QWidget* m_content = nullptr;
    QFormLayout* m_form = nullptr;
};

} // namespace aio::ui

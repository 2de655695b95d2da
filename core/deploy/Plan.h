#pragma once

#include "core/deploy/Step.h"

#include <QString>

#include <memory>
#include <vector>

namespace aio {

// An ordered list of steps built from the admin's answers (e.g. by the VM plan builder in
// core/deploy/vm/). Data only: the PlanRunner runs it. Move-only.
class Plan
{
public:
    Plan() = default;
    explicit Plan(QString title);
    Plan(Plan&&) noexcept = default;
    Plan& operator=(Plan&&) noexcept = default;

    const QString& title() const { return m_title; }
    void setTitle(const QString& title) { m_title = title; }

    Plan& add(std::unique_ptr<Step> step);
    int size() const { return int(m_steps.size()); }
    bool isEmpty() const { return m_steps.empty(); }
    Step& step(int index) { return *m_steps.at(size_t(index)); }
    const Step& step(int index) const { return *m_steps.at(size_t(index)); }
    // Index of the step with this id, or -1.
    int indexOf(const QString& stepId) const;

private:
    QString m_title;
    std::vector<std::unique_ptr<Step>> m_steps;
};

} // namespace aio

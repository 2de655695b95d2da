#include "core/deploy/Plan.h"

namespace aio {

Plan::Plan(QString title)
    : m_title(std::move(title))
{ }

Plan& Plan::add(std::unique_ptr<Step> step)
{
    if (step)
        m_steps.push_back(std::move(step));
    return *this;
}

int Plan::indexOf(const QString& stepId) const
{
    for (size_t i = 0; i < m_steps.size(); ++i) {
        if (m_steps[i]->id() == stepId)
            return int(i);
    }
    return -1;
}

} // namespace aio

#pragma once

#include <QIcon>
#include <QString>

namespace aio::ui {

// The small round icons of the wizard's step list: what state a step is in at a glance.
// Drawn in code (no image files), so they follow the device pixel ratio and stay crisp.
class StepStatusIcon
{
public:
    enum class State { Pending, Running, Previewed, Done, Skipped, Failed, RolledBack, Answers };

    static QIcon icon(State state);
    // A short translated word for the state, also the item's accessible description.
    static QString label(State state);
};

} // namespace aio::ui

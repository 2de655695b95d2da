#pragma once

// The one way ui/ runs work off the GUI thread (see the README's design notes): the work calls
// core's blocking functions on Qt's global thread pool; `done` gets its result on the GUI thread,
// and only while `receiver` lives (QFuture::then with a context object drops it otherwise), so a
// closed window never sees a late result.

#include <QFuture>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace aio::ui {

template <typename Work, typename Done>
void runInBackground(QObject* receiver, Work&& work, Done&& done)
{
    QtConcurrent::run(std::forward<Work>(work)).then(receiver, std::forward<Done>(done));
}

} // namespace aio::ui

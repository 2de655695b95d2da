#pragma once

// The one way ui/ runs work off the GUI thread (see the README's design notes): the work calls
// core's blocking functions on Qt's global thread pool; `done` gets its result on the GUI thread,
// always later (from the event loop, never inside the call that started the work, however fast
// the work was), and only while `receiver` lives, so a closed window never sees a late result.

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>
#include <QThreadPool>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <type_traits>
#include <utility>

namespace aio::ui {

// Most of this work waits (on the network, the keychain, an SSH question) rather than computes:
// the pool must not be as small as the number of cores, or two connection checks waiting for a
// host-key answer would hold up every file load behind them.
inline constexpr int kBackgroundThreads = 16;

template <typename Work, typename Done>
void runInBackground(QObject* receiver, Work&& work, Done&& done)
{
    static const bool sized = [] {
        QThreadPool* pool = QThreadPool::globalInstance();
        pool->setMaxThreadCount(std::max(pool->maxThreadCount(), kBackgroundThreads));
        return true;
    }();
    Q_UNUSED(sized);
    QPointer<QObject> guard(receiver);
    (void)QtConcurrent::run([work = std::forward<Work>(work), done = std::forward<Done>(done), guard]() mutable {
        QCoreApplication* app = QCoreApplication::instance();
        if constexpr (std::is_void_v<std::invoke_result_t<std::decay_t<Work>&>>) {
            work();
            if (app)
                QMetaObject::invokeMethod(
                    app,
                    [guard, done] {
                        if (guard)
                            done();
                    },
                    Qt::QueuedConnection);
        } else {
            auto result = work();
            if (app)
                QMetaObject::invokeMethod(
                    app,
                    [guard, done, result = std::move(result)] {
                        if (guard)
                            done(result);
                    },
                    Qt::QueuedConnection);
        }
    });
}

} // namespace aio::ui

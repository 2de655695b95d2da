#pragma once

// Asking the user from a worker thread: the question is posted to the GUI thread (never
// blocking it: the dialog opens with open(), not exec()), and the worker waits for the answer
// in short slices, giving up when the asking object goes away (the window closed, the app
// quits) or after a time limit. So a session that waits for an answer can never deadlock a GUI
// thread that is waiting for the session to stop.

#include <QMetaObject>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <chrono>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <optional>

namespace aio::ui {

// Set to false by the owner's destructor; shared with the worker threads that wait.
using AliveFlag = std::shared_ptr<std::atomic_bool>;

// The admin has this long to answer a question before the connection gives up.
inline constexpr std::chrono::minutes kGuiQuestionTimeout{10};

// Held by the worker whose question is open (one for every kind of question).
inline std::timed_mutex& guiQuestionTurn()
{
    static std::timed_mutex turn;
    return turn;
}

// Posts ask(done) to owner's thread (after any other question still open: one at a time); ask shows a dialog and calls
// done(answer) once when it closes (nullopt: cancelled). Returns the answer, or nullopt when owner is gone, alive turns
// false or the time limit passes. Call from any thread but owner's.
template <typename T>
std::optional<T> askOnGuiThread(QObject* owner, const AliveFlag& alive,
                                std::function<void(std::function<void(std::optional<T>)>)> ask,
                                std::chrono::milliseconds timeout = kGuiQuestionTimeout)
{
    // One question at a time, whatever asks (a check of many targets runs several sessions): the
    // others wait here, on their worker threads, and give up as the question itself would.
    std::unique_lock turn(guiQuestionTurn(), std::defer_lock);
    const auto queuedUntil = std::chrono::steady_clock::now() + timeout;
    while (!turn.try_lock_for(std::chrono::milliseconds(200))) {
        if (!alive->load() || std::chrono::steady_clock::now() >= queuedUntil)
            return std::nullopt;
    }
    auto promise = std::make_shared<std::promise<std::optional<T>>>();
    auto answered = std::make_shared<std::atomic_bool>(false);
    std::future<std::optional<T>> future = promise->get_future();
    QPointer<QObject> guard(owner);
    QMetaObject::invokeMethod(
        owner,
        [guard, ask = std::move(ask), promise, answered] {
            auto done = [promise, answered](std::optional<T> value) {
                if (!answered->exchange(true))
                    promise->set_value(std::move(value));
            };
            if (!guard) {
                done(std::nullopt);
                return;
            }
            ask(done);
        },
        Qt::QueuedConnection);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (future.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
        if (!alive->load() || std::chrono::steady_clock::now() >= deadline) {
            if (!answered->exchange(true))
                promise->set_value(std::nullopt);
            break;
        }
    }
    return future.get();
}

} // namespace aio::ui

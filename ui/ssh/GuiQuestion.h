#pragma once

// Asking the user from a worker thread: the question is posted to the GUI thread (never
// blocking it: the dialog opens with open(), not exec()), and the worker waits for the answer
// in short slices, giving up when the asking object goes away (the window closed, the app
// quits) or after a time limit. So a session that waits for an answer can never deadlock a GUI
// thread that is waiting for the session to stop.

#include <QCoreApplication>
#include <QMetaObject>
#include <QObject>
#include <QPointer>

#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <optional>

namespace aio::ui {

// Set to false by the owner's destructor; shared with the worker threads that wait.
using AliveFlag = std::shared_ptr<std::atomic_bool>;

// The admin has this long to answer a question before the connection gives up.
inline constexpr std::chrono::minutes kGuiQuestionTimeout{10};

namespace detail {

// The questions of the GUI thread: one is open at a time, the others wait in line. Only touched on the GUI thread.
// A question leaves the line when it is answered, or when its asker gives up (time limit, owner gone), so a
// question nobody waits for any more never holds up the next one.
struct QuestionLine
{
    std::shared_ptr<std::atomic_bool> open; // the answered flag of the question now shown
    std::deque<std::function<bool()>> waiting; // each opens its question, or returns false when nobody waits for it
};

inline QuestionLine& questionLine()
{
    static QuestionLine line;
    return line;
}

// The open question is over: opens the next one still wanted.
inline void nextQuestion(const std::shared_ptr<std::atomic_bool>& over)
{
    QuestionLine& line = questionLine();
    if (line.open != over)
        return;
    line.open.reset();
    while (!line.waiting.empty() && !line.open) {
        std::function<bool()> open = std::move(line.waiting.front());
        line.waiting.pop_front();
        open();
    }
}

} // namespace detail

// Posts ask(done) to owner's thread (after any other question still open there: one at a time); ask shows a dialog
// and calls done(answer) once when it closes (nullopt: cancelled). Returns the answer, or nullopt when owner is gone,
// alive turns false or the time limit passes (counted from the call, waiting in line included). Call from any thread
// but owner's; owner lives on the GUI thread.
template <typename T>
std::optional<T> askOnGuiThread(QObject* owner, const AliveFlag& alive,
                                std::function<void(std::function<void(std::optional<T>)>)> ask,
                                std::chrono::milliseconds timeout = kGuiQuestionTimeout)
{
    auto promise = std::make_shared<std::promise<std::optional<T>>>();
    auto answered = std::make_shared<std::atomic_bool>(false);
    std::future<std::optional<T>> future = promise->get_future();
    QPointer<QObject> guard(owner);
    // Runs on the GUI thread, now or when the questions before it are over.
    std::function<bool()> open = [guard, ask = std::move(ask), promise, answered]() -> bool {
        if (answered->load())
            return false; // the asker gave up while it waited in line
        if (!guard) {
            if (!answered->exchange(true))
                promise->set_value(std::nullopt);
            return false;
        }
        detail::questionLine().open = answered;
        ask([promise, answered](std::optional<T> value) {
            if (!answered->exchange(true))
                promise->set_value(std::move(value));
            detail::nextQuestion(answered);
        });
        return true;
    };
    QMetaObject::invokeMethod(
        owner,
        [open = std::move(open)] {
            detail::QuestionLine& line = detail::questionLine();
            if (line.open)
                line.waiting.push_back(open);
            else
                open();
        },
        Qt::QueuedConnection);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (future.wait_for(std::chrono::milliseconds(200)) != std::future_status::ready) {
        if (!alive->load() || std::chrono::steady_clock::now() >= deadline) {
            if (!answered->exchange(true)) {
                promise->set_value(std::nullopt);
                // Its dialog may still be open (it closes with its owner); the next question need not wait for it.
                if (QCoreApplication* app = QCoreApplication::instance())
                    QMetaObject::invokeMethod(
                        app, [answered] { detail::nextQuestion(answered); }, Qt::QueuedConnection);
            }
            break;
        }
    }
    return future.get();
}

} // namespace aio::ui

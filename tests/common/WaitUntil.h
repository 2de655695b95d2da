#pragma once

// The tests' one way to wait for something that happens on another thread or in the event loop,
// where QTRY_VERIFY does not fit (a helper that returns, a condition with a value to keep):
// turns the event loop until `condition` holds or `timeoutMs` passes. True when it held.

#include <QDeadlineTimer>
#include <QTest>

#include <functional>

namespace aio::test {

inline bool waitUntil(const std::function<bool()>& condition, int timeoutMs = 60'000)
{
    const QDeadlineTimer deadline(timeoutMs);
    while (!condition()) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(10);
    }
    return true;
}

} // namespace aio::test

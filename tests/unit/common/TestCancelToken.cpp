// Cancelling wakes whoever waits: callbacks, sleepers and poll() loops, from any thread.
#include "core/common/CancelToken.h"

#include <QTest>

#include <atomic>
#include <poll.h>
#include <thread>

using namespace aio;

class TestCancelToken : public QObject
{
    Q_OBJECT
private slots:
    void callbackRunsOnceOnCancel();
    void callbackRunsAtOnceWhenAlreadyCancelled();
    void droppedSubscriptionIsNotCalled();
    void copiesShareTheState();
    void waitForReturnsWhenAnotherThreadCancels();
    void waitForTimesOutWhenNobodyCancels();
    void wakeFdBecomesReadable();
    void callbackMayDropItsOwnSubscription();
};

void TestCancelToken::callbackRunsOnceOnCancel()
{
    CancelToken token;
    int calls = 0;
    auto sub = token.onCancel([&] { ++calls; });
    QVERIFY(!token.isCancelled());
    token.cancel();
    token.cancel();
    QVERIFY(token.isCancelled());
    QCOMPARE(calls, 1);
}

void TestCancelToken::callbackRunsAtOnceWhenAlreadyCancelled()
{
    CancelToken token;
    token.cancel();
    int calls = 0;
    auto sub = token.onCancel([&] { ++calls; });
    QCOMPARE(calls, 1);
}

void TestCancelToken::droppedSubscriptionIsNotCalled()
{
    CancelToken token;
    int calls = 0;
    {
        auto sub = token.onCancel([&] { ++calls; });
    }
    token.cancel();
    QCOMPARE(calls, 0);
}

void TestCancelToken::copiesShareTheState()
{
    CancelToken token;
    const CancelToken copy = token;
    int calls = 0;
    auto sub = copy.onCancel([&] { ++calls; });
    token.cancel();
    QVERIFY(copy.isCancelled());
    QCOMPARE(calls, 1);
}

void TestCancelToken::waitForReturnsWhenAnotherThreadCancels()
{
    CancelToken token;
    std::thread t([token] {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        token.cancel();
    });
    // Far longer than any run needs: returning true proves the wake-up, not the timeout.
    QVERIFY(token.waitFor(std::chrono::minutes(5)));
    t.join();
}

void TestCancelToken::waitForTimesOutWhenNobodyCancels()
{
    CancelToken token;
    QVERIFY(!token.waitFor(std::chrono::milliseconds(20)));
}

void TestCancelToken::wakeFdBecomesReadable()
{
    CancelToken token;
    const int fd = token.wakeFd();
    QVERIFY(fd >= 0);
    pollfd p{fd, POLLIN, 0};
    QCOMPARE(poll(&p, 1, 0), 0);
    std::thread t([token] { token.cancel(); });
    QCOMPARE(poll(&p, 1, 5 * 60 * 1000), 1);
    t.join();
    // Made after the cancel: readable from the start.
    CancelToken late;
    late.cancel();
    pollfd q{late.wakeFd(), POLLIN, 0};
    QCOMPARE(poll(&q, 1, 0), 1);
}

void TestCancelToken::callbackMayDropItsOwnSubscription()
{
    CancelToken token;
    CancelToken::Subscription sub;
    std::atomic_int calls = 0;
    sub = token.onCancel([&] {
        ++calls;
        sub = {}; // must not deadlock
    });
    token.cancel();
    QCOMPARE(calls.load(), 1);
}

QTEST_GUILESS_MAIN(TestCancelToken)
#include "TestCancelToken.moc"

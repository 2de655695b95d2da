#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

namespace aio {

// Asks long work to stop; cancel() may be called from any thread, once or many times.
// Work that waits does not poll it: it sleeps in waitFor(), or registers onCancel() to be woken
// (an event loop writes its wake-up descriptor there), or polls wakeFd() with its other fds.
class CancelToken
{
public:
    CancelToken();

    void cancel() const;
    bool isCancelled() const;

    // Keeps a callback registered while it lives; destroying it unregisters the callback and
    // waits for a call in progress on another thread to return.
    class Subscription
    {
    public:
        Subscription() = default;
        Subscription(Subscription&& other) noexcept;
        Subscription& operator=(Subscription&& other) noexcept;
        Subscription(const Subscription&) = delete;
        Subscription& operator=(const Subscription&) = delete;
        ~Subscription();

    private:
        friend class CancelToken;
        void reset();
        std::shared_ptr<struct CancelState> m_state;
        std::uint64_t m_id = 0;
    };
    // fn runs on the thread that calls cancel() (at once, here, when already cancelled). It must
    // be short and must not take locks the cancelling thread may hold: wake something up.
    [[nodiscard]] Subscription onCancel(std::function<void()> fn) const;

    // Sleeps up to `timeout` or until cancelled; returns true when cancelled.
    bool waitFor(std::chrono::milliseconds timeout) const;

    // A descriptor that becomes readable when the token is cancelled (made on first use, closed
    // with the last copy of the token), for poll() loops that wait on sockets too.
    int wakeFd() const;

private:
    std::shared_ptr<struct CancelState> m_state;
};

} // namespace aio

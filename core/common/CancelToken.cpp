#include "core/common/CancelToken.h"

#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>

#include <sys/eventfd.h>
#include <unistd.h>

namespace aio {

struct CancelState
{
    std::atomic_bool cancelled{false};
    std::mutex mutex;
    std::condition_variable changed;
    std::map<std::uint64_t, std::function<void()>> callbacks;
    std::uint64_t nextId = 1;
    std::uint64_t running = 0; // the callback cancel() is calling now
    std::thread::id runningOn;
    int fd = -1;

    ~CancelState()
    {
        if (fd >= 0)
            ::close(fd);
    }
};

CancelToken::CancelToken()
    : m_state(std::make_shared<CancelState>())
{ }

void CancelToken::cancel() const
{
    std::unique_lock lock(m_state->mutex);
    if (m_state->cancelled.exchange(true))
        return;
    if (m_state->fd >= 0) {
        const std::uint64_t one = 1;
        [[maybe_unused]] auto w = ::write(m_state->fd, &one, sizeof one);
    }
    m_state->changed.notify_all();
    // Call each callback without the lock, so it may unsubscribe others or itself.
    for (;;) {
        auto it = m_state->callbacks.begin();
        if (it == m_state->callbacks.end())
            break;
        const std::uint64_t id = it->first;
        std::function<void()> fn = std::move(it->second);
        m_state->callbacks.erase(it);
        m_state->running = id;
        m_state->runningOn = std::this_thread::get_id();
        lock.unlock();
        fn();
        lock.lock();
        m_state->running = 0;
        m_state->changed.notify_all();
    }
}

bool CancelToken::isCancelled() const
{
    return m_state->cancelled.load();
}

CancelToken::Subscription CancelToken::onCancel(std::function<void()> fn) const
{
    Subscription sub;
    {
        std::lock_guard lock(m_state->mutex);
        if (!m_state->cancelled.load()) {
            sub.m_state = m_state;
            sub.m_id = m_state->nextId++;
            m_state->callbacks.emplace(sub.m_id, std::move(fn));
            return sub;
        }
    }
    fn();
    return sub;
}

bool CancelToken::waitFor(std::chrono::milliseconds timeout) const
{
    std::unique_lock lock(m_state->mutex);
    return m_state->changed.wait_for(lock, timeout, [this] { return m_state->cancelled.load(); });
}

int CancelToken::wakeFd() const
{
    std::lock_guard lock(m_state->mutex);
    if (m_state->fd < 0) {
        m_state->fd = eventfd(m_state->cancelled.load() ? 1 : 0, EFD_CLOEXEC | EFD_NONBLOCK);
    }
    return m_state->fd;
}

CancelToken::Subscription::Subscription(Subscription&& other) noexcept
    : m_state(std::move(other.m_state))
    , m_id(other.m_id)
{
    other.m_id = 0;
}

CancelToken::Subscription& CancelToken::Subscription::operator=(Subscription&& other) noexcept
{
    if (this != &other) {
        reset();
        m_state = std::move(other.m_state);
        m_id = other.m_id;
        other.m_id = 0;
    }
    return *this;
}

CancelToken::Subscription::~Subscription()
{
    reset();
}

void CancelToken::Subscription::reset()
{
    if (!m_state)
        return;
    std::unique_lock lock(m_state->mutex);
    m_state->callbacks.erase(m_id);
    // A call in progress on another thread must end before what it touches goes away.
    m_state->changed.wait(lock,
                          [&] { return m_state->running != m_id || m_state->runningOn == std::this_thread::get_id(); });
    lock.unlock();
    m_state.reset();
    m_id = 0;
}

} // namespace aio

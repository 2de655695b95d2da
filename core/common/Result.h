#pragma once

#include "core/common/Error.h"

#include <cassert>
#include <utility>
#include <variant>

namespace aio {

// A value or an Error (std::expected is C++23; this is the small part of it we use).
//   Result<Target> r = inventory.find(name);
//   if (!r) return r.error();
//   use(*r);
template <typename T>
class [[nodiscard]] Result
{
public:
    Result(const T& value)
        : m_state(std::in_place_index<0>, value)
    { }
    Result(T&& value)
        : m_state(std::in_place_index<0>, std::move(value))
    { }
    Result(Error error)
        : m_state(std::in_place_index<1>, std::move(error))
    { }

    bool ok() const { return m_state.index() == 0; }
    explicit operator bool() const { return ok(); }

    T& value() &
    {
        assert(ok());
        return std::get<0>(m_state);
    }
    const T& value() const&
    {
        assert(ok());
        return std::get<0>(m_state);
    }
    T&& value() &&
    {
        assert(ok());
        return std::get<0>(std::move(m_state));
    }
    T valueOr(T fallback) const { return ok() ? std::get<0>(m_state) : std::move(fallback); }
    const Error& error() const
    {
        assert(!ok());
        return std::get<1>(m_state);
    }

    T& operator*() & { return value(); }
    const T& operator*() const& { return value(); }
    T* operator->() { return &value(); }
    const T* operator->() const { return &value(); }

private:
    std::variant<T, Error> m_state;
};

// Success carries nothing; failure carries an Error.
template <>
class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
        , m_failed(true)
    { }
    bool ok() const { return !m_failed; }
    explicit operator bool() const { return ok(); }
    const Error& error() const
    {
        assert(m_failed);
        return m_error;
    }

private:
    Error m_error;
    bool m_failed = false;
};

using Status = Result<void>;

} // namespace aio

#pragma once

#include "core/common/Result.h"

#include <QString>

namespace aio {

// Random secrets from OpenSSL's RAND_bytes, URL-safe base64 without padding ([A-Za-z0-9_-]),
// so they can go in headers, query strings and env-files untouched.
class RandomSecret
{
public:
    // `bytes` random bytes (16…1024) → about 4/3 as many characters. 32 bytes: 43 characters.
    static Result<QString> generate(int bytes = 32);
    // The sandbox's API key.
    static Result<QString> apiKey() { return generate(32); }
};

} // namespace aio

#pragma once

#include <QLoggingCategory>

// The ssh module's one logging category ("aio.ssh"). Never format a secret into it.
Q_DECLARE_LOGGING_CATEGORY(lcSsh)

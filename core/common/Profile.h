#pragma once

#include <QString>

namespace aio {

// Where the app keeps its files. By default the platform's locations (QStandardPaths:
// AppConfigLocation, AppDataLocation, CacheLocation); a profile folder (--profile DIR or the
// AIO_PROFILE environment variable) puts everything under DIR/config, DIR/data and DIR/cache
// instead, so a demo or a test never touches the user's real inventory.
class Profile
{
public:
    // Selects a profile folder for this process ("" = the platform's locations). Call it early,
    // before anything reads a path. Relative paths are made absolute.
    static void setDirectory(const QString& dir);
    // The profile folder from setDirectory(), else from AIO_PROFILE, else empty.
    static QString directory();

    static QString configDir();
    static QString dataDir();
    static QString cacheDir();
};

} // namespace aio

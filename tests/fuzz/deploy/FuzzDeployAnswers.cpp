// A deployment answers file (JSON, edited by hand or by tools): fromJson either refuses it with an
// error or gives answers that validate and survive a round trip through toJson.

#include "core/deploy/VmDeployAnswers.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdint>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray input(reinterpret_cast<const char*>(data), qsizetype(size));
    const QJsonDocument doc = QJsonDocument::fromJson(input);
    if (!doc.isObject())
        return 0;
    const auto answers = aio::VmDeployAnswers::fromJson(doc.object());
    if (!answers)
        return 0;
    if (!answers->validate())
        abort(); // accepted answers are valid answers
    const auto again = aio::VmDeployAnswers::fromJson(answers->toJson());
    if (!again)
        abort(); // what we write we read back
    return 0;
}

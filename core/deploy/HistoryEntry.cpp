#include "core/deploy/HistoryEntry.h"

#include "core/deploy/SecretRedactor.h"
#include "core/deploy/render/UnifiedDiff.h"

#include <QCoreApplication>
#include <QJsonArray>
#include <QStringDecoder>

namespace aio {

namespace {
const QString kVersionKey = QStringLiteral("v");

bool isUtf8(const QByteArray& data)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    const QString text = decoder.decode(data);
    return !decoder.hasError() && !text.contains(QChar(0));
}

void putContent(QJsonObject& object, const QString& key, const QByteArray& data)
{
    if (isUtf8(data))
        object.insert(key, QString::fromUtf8(data));
    else
        object.insert(key + QStringLiteral("Base64"), QString::fromLatin1(data.toBase64()));
}

QByteArray getContent(const QJsonObject& object, const QString& key)
{
    if (object.contains(key))
        return object.value(key).toString().toUtf8();
    return QByteArray::fromBase64(object.value(key + QStringLiteral("Base64")).toString().toLatin1());
}

StepOutcome outcomeFromName(const QString& name)
{
    for (StepOutcome o : {StepOutcome::NotRun, StepOutcome::Previewed, StepOutcome::AlreadyDone, StepOutcome::Applied,
                          StepOutcome::Skipped, StepOutcome::Failed, StepOutcome::RollbackFailed,
                          StepOutcome::RolledBack, StepOutcome::Cancelled}) {
        if (stepOutcomeName(o) == name)
            return o;
    }
    return StepOutcome::NotRun;
}
} // namespace

HistoryEntry HistoryEntry::redacted(const SecretRedactor& redactor) const
{
    HistoryEntry e = *this;
    e.message = redactor.redact(message);
    e.skipReason = redactor.redact(skipReason);
    for (QString& c : e.commands)
        c = redactor.redact(c);
    for (JournalFileChange& f : e.files) {
        if (f.secret) {
            f.previousContent.clear();
            f.newContent.clear();
        } else {
            f.previousContent = redactor.redact(f.previousContent);
            f.newContent = redactor.redact(f.newContent);
        }
    }
    return e;
}

QJsonObject HistoryEntry::toJson() const
{
    QJsonObject o;
    o.insert(kVersionKey, 1);
    o.insert(QStringLiteral("when"), when.toUTC().toString(Qt::ISODateWithMs));
    o.insert(QStringLiteral("target"), targetName);
    o.insert(QStringLiteral("plan"), planTitle);
    o.insert(QStringLiteral("step"), stepId);
    o.insert(QStringLiteral("stepTitle"), stepTitle);
    o.insert(QStringLiteral("action"), action);
    o.insert(QStringLiteral("outcome"), stepOutcomeName(outcome));
    if (!message.isEmpty())
        o.insert(QStringLiteral("message"), message);
    if (!skipReason.isEmpty())
        o.insert(QStringLiteral("skipReason"), skipReason);
    o.insert(QStringLiteral("commands"), QJsonArray::fromStringList(commands));
    QJsonArray files;
    for (const JournalFileChange& f : this->files) {
        QJsonObject fo;
        fo.insert(QStringLiteral("path"), f.path);
        fo.insert(QStringLiteral("existedBefore"), f.existedBefore);
        if (f.removed)
            fo.insert(QStringLiteral("removed"), true);
        if (f.secret) {
            fo.insert(QStringLiteral("secret"), true);
        } else {
            if (f.existedBefore)
                putContent(fo, QStringLiteral("previousContent"), f.previousContent);
            if (!f.removed)
                putContent(fo, QStringLiteral("newContent"), f.newContent);
        }
        files.append(fo);
    }
    o.insert(QStringLiteral("files"), files);
    return o;
}

Result<HistoryEntry> HistoryEntry::fromJson(const QJsonObject& o)
{
    if (o.value(kVersionKey).toInt() != 1)
        return Error(
            ErrorKind::UnsupportedVersion,
            QCoreApplication::translate("aio::HistoryEntry", "A history entry has an unknown format version."));
    HistoryEntry e;
    e.when = QDateTime::fromString(o.value(QStringLiteral("when")).toString(), Qt::ISODateWithMs);
    if (!e.when.isValid())
        return Error(ErrorKind::Corrupt,
                     QCoreApplication::translate("aio::HistoryEntry", "A history entry has no valid time."));
    e.targetName = o.value(QStringLiteral("target")).toString();
    e.planTitle = o.value(QStringLiteral("plan")).toString();
    e.stepId = o.value(QStringLiteral("step")).toString();
    e.stepTitle = o.value(QStringLiteral("stepTitle")).toString();
    e.action = o.value(QStringLiteral("action")).toString();
    e.outcome = outcomeFromName(o.value(QStringLiteral("outcome")).toString());
    e.message = o.value(QStringLiteral("message")).toString();
    e.skipReason = o.value(QStringLiteral("skipReason")).toString();
    for (const QJsonValue& c : o.value(QStringLiteral("commands")).toArray())
        e.commands.append(c.toString());
    for (const QJsonValue& v : o.value(QStringLiteral("files")).toArray()) {
        const QJsonObject fo = v.toObject();
        JournalFileChange f;
        f.path = fo.value(QStringLiteral("path")).toString();
        f.existedBefore = fo.value(QStringLiteral("existedBefore")).toBool();
        f.removed = fo.value(QStringLiteral("removed")).toBool();
        f.secret = fo.value(QStringLiteral("secret")).toBool();
        f.previousContent = getContent(fo, QStringLiteral("previousContent"));
        f.newContent = getContent(fo, QStringLiteral("newContent"));
        e.files.append(f);
    }
    return e;
}

QString HistoryEntry::fileChangeSummary(const JournalFileChange& f)
{
    const char* what = f.secret ? "%1: secret file, content not recorded"
        : f.removed             ? "%1: removed"
        : f.existedBefore       ? "%1: changed"
                                : "%1: created";
    return QCoreApplication::translate("aio::HistoryEntry", what).arg(f.path);
}

bool HistoryEntry::finishedTheStep() const
{
    return action == QLatin1String("skip") || (action == QLatin1String("apply") && outcome == StepOutcome::Applied);
}

QString HistoryEntry::note() const
{
    if (action == QLatin1String("skip"))
        return skipReason;
    if (action == QLatin1String("apply") && outcome == StepOutcome::Applied && !message.isEmpty())
        return tr("found before: %1").arg(message);
    return message;
}

QString HistoryEntry::changesText() const
{
    QString text;
    for (const QString& c : commands)
        text += QStringLiteral("$ ") + c + QLatin1Char('\n');
    for (const JournalFileChange& f : files) {
        text += fileChangeSummary(f) + QLatin1Char('\n');
        if (f.secret)
            continue;
        text += UnifiedDiff::render(f.existedBefore ? f.previousContent : QByteArray(),
                                    f.removed ? QByteArray() : f.newContent,
                                    f.existedBefore ? QStringLiteral("a") + f.path : QStringLiteral("/dev/null"),
                                    f.removed ? QStringLiteral("/dev/null") : QStringLiteral("b") + f.path);
    }
    return text;
}

} // namespace aio

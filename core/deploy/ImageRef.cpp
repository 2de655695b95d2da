#include "core/deploy/ImageRef.h"

#include <QCoreApplication>
#include <QRegularExpression>

namespace aio {

namespace {

// The grammar of github.com/distribution/reference (regexp.go), anchored.
const QString kAlnum = QStringLiteral("[a-z0-9]+");
const QString kSeparator = QStringLiteral("(?:[._]|__|[-]+)");
const QString kPathComponent = kAlnum + QStringLiteral("(?:") + kSeparator + kAlnum + QStringLiteral(")*");
const QString kDomainComponent = QStringLiteral("(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])");
const QString kIpv6 = QStringLiteral("\\[(?:[a-fA-F0-9:]+)\\]");
const QString kDomainName = kDomainComponent + QStringLiteral("(?:\\.") + kDomainComponent + QStringLiteral(")*");
const QString kHost = QStringLiteral("(?:") + kDomainName + QStringLiteral("|") + kIpv6 + QStringLiteral(")");
const QString kDomain = kHost + QStringLiteral("(?::[0-9]+)?");
const QString kTag = QStringLiteral("[\\w][\\w.-]{0,127}");
const QString kDigest = QStringLiteral("[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}");

const QRegularExpression& pathRe()
{
    static const QRegularExpression re(QStringLiteral("^") + kPathComponent + QStringLiteral("(?:/") + kPathComponent
                                       + QStringLiteral(")*$"));
    return re;
}
const QRegularExpression& domainRe()
{
    static const QRegularExpression re(QStringLiteral("^") + kDomain + QStringLiteral("$"));
    return re;
}
const QRegularExpression& tagRe()
{
    static const QRegularExpression re(QStringLiteral("^") + kTag + QStringLiteral("$"),
                                       QRegularExpression::UseUnicodePropertiesOption);
    return re;
}
const QRegularExpression& digestRe()
{
    static const QRegularExpression re(QStringLiteral("^") + kDigest + QStringLiteral("$"));
    return re;
}

bool isAsciiTag(const QString& tag)
{
    // \w with Unicode properties would accept non-ASCII letters; docker accepts [A-Za-z0-9_].
    for (QChar c : tag) {
        if (c.unicode() > 127)
            return false;
    }
    return tagRe().match(tag).hasMatch();
}

QString describeBadCharacter(const QString& text)
{
    for (QChar c : text) {
        const ushort u = c.unicode();
        const bool ok = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u == '.'
            || u == '_' || u == '-' || u == '/' || u == ':' || u == '@' || u == '[' || u == ']';
        if (!ok) {
            if (c.isSpace() || !c.isPrint())
                return QStringLiteral("U+%1").arg(u, 4, 16, QLatin1Char('0'));
            return QString(c);
        }
    }
    return {};
}

Error invalidImageRef(const QString& input, const QString& why)
{
    return Error(ErrorKind::InvalidInput, ImageRef::tr("The image reference \"%1\" is not valid: %2.").arg(input, why),
                 {},
                 ImageRef::tr("Use the form registry/repository:tag, for example ghcr.io/agent-infra/sandbox:1.11.0."));
}
} // namespace

Result<ImageRef> ImageRef::parse(const QString& input)
{
    if (input.isEmpty())
        return invalidImageRef(input, tr("it is empty"));
    if (input.size() > 512)
        return invalidImageRef(input.left(40) + QStringLiteral("…"), tr("it is too long"));
    const QString bad = describeBadCharacter(input);
    if (!bad.isEmpty())
        return invalidImageRef(input.simplified(), tr("it contains the character \"%1\"").arg(bad));

    QString rest = input;
    ImageRef ref;
    const qsizetype at = rest.indexOf(QLatin1Char('@'));
    if (at >= 0) {
        ref.m_digest = rest.mid(at + 1);
        rest = rest.left(at);
        if (!digestRe().match(ref.m_digest).hasMatch())
            return invalidImageRef(input, tr("the digest \"%1\" is not algorithm:hex").arg(ref.m_digest));
    }
    // A tag follows the last ':' after the last '/' (a ':' before a '/' is a registry port).
    const qsizetype lastSlash = rest.lastIndexOf(QLatin1Char('/'));
    const qsizetype colon = rest.lastIndexOf(QLatin1Char(':'));
    if (colon > lastSlash) {
        ref.m_tag = rest.mid(colon + 1);
        rest = rest.left(colon);
        if (!isAsciiTag(ref.m_tag))
            return invalidImageRef(input,
                                   tr("the tag \"%1\" must be 1 to 128 letters, digits, '_', '.' or '-', not starting "
                                      "with '.' or '-'")
                                       .arg(ref.m_tag));
    }
    if (rest.isEmpty())
        return invalidImageRef(input, tr("the repository name is missing"));

    // Docker's rule: the first component is a registry when it has a '.' or ':' or is "localhost".
    const qsizetype slash = rest.indexOf(QLatin1Char('/'));
    if (slash > 0) {
        const QString first = rest.left(slash);
        if (first.contains(QLatin1Char('.')) || first.contains(QLatin1Char(':')) || first == QLatin1String("localhost")
            || first != first.toLower()) {
            ref.m_domain = first;
            rest = rest.mid(slash + 1);
            if (!domainRe().match(ref.m_domain).hasMatch())
                return invalidImageRef(
                    input, tr("the registry \"%1\" is not a host name with an optional port").arg(ref.m_domain));
        }
    }
    if (rest.size() > 255)
        return invalidImageRef(input, tr("the repository name is longer than 255 characters"));
    if (!pathRe().match(rest).hasMatch()) {
        if (rest != rest.toLower())
            return invalidImageRef(input, tr("the repository \"%1\" must be lower case").arg(rest));
        return invalidImageRef(input,
                               tr("the repository \"%1\" must be lower-case letters and digits separated by '/', '.', "
                                  "'_', '__' or '-'")
                                   .arg(rest));
    }
    ref.m_path = rest;
    return ref;
}

Result<ImageRef> ImageRef::fromParts(const QString& repository, const QString& tag)
{
    if (repository.contains(QLatin1Char('@')))
        return invalidImageRef(repository, tr("the repository must not hold a digest"));
    if (tag.isEmpty())
        return parse(repository);
    if (tag.contains(QLatin1Char(':')) || tag.contains(QLatin1Char('@')) || tag.contains(QLatin1Char('/')))
        return invalidImageRef(repository + QLatin1Char(':') + tag,
                               tr("the tag \"%1\" holds ':', '@' or '/'").arg(tag));
    Result<ImageRef> ref = parse(repository + QLatin1Char(':') + tag);
    if (ref && ref->repository() != repository)
        return invalidImageRef(repository, tr("the repository already holds a tag"));
    return ref;
}

QString ImageRef::repository() const
{
    return m_domain.isEmpty() ? m_path : m_domain + QLatin1Char('/') + m_path;
}

QString ImageRef::toString() const
{
    QString s = repository();
    if (!m_tag.isEmpty())
        s += QLatin1Char(':') + m_tag;
    if (!m_digest.isEmpty())
        s += QLatin1Char('@') + m_digest;
    return s;
}

bool ImageRef::isFloating() const
{
    if (!m_digest.isEmpty())
        return false;
    return m_tag.isEmpty() || m_tag == QLatin1String("latest");
}

} // namespace aio

#include "core/inventory/SshConfigImporter.h"

#include "core/common/HostPattern.h"
#include "core/common/SshAddress.h"
#include "core/inventory/InventoryLogging.h"

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QSet>

#include <memory>

namespace aio {

namespace {

constexpr int maxIncludeDepth = 16; // as OpenSSH's READCONF_MAX_DEPTH
constexpr qint64 kMaxSshConfigBytes = 4 * 1024 * 1024;

// A Host or Match section; the implicit one before the first Host matches every host.
struct Block
{
    QList<QByteArray> patterns; // "!pattern" negated
    bool isMatch = false; // never applies: Match criteria are not evaluated here
    bool global = false;
    // The first broken line inside this section: its hosts are not imported, since what ssh does
    // with them cannot be known.
    QString problemFile;
    int problemLine = 0;
};

struct Option
{
    QString file;
    int line = 0;
    QString keyword; // lower case
    QStringList args;
    std::shared_ptr<Block> block;
};

struct Parser
{
    QString sshDir;
    QList<Option> options; // in the order ssh reads them
    struct Alias
    {
        QString name;
        QString file; // where its first Host line is
        int line = 0;
        std::shared_ptr<Block> block; // the section of that Host line
    };
    QList<Alias> aliases;
    QSet<QString> aliasNames; // the names in aliases, to keep each once without a scan
    ImportResult result;

    void issue(const QString& file, int line, const QString& entry, const QString& reason)
    {
        result.skipped.append(ImportIssue{file, line, entry, reason});
    }
    // A broken line: reported, and the section it is in is marked broken.
    void lineIssue(Block& block, const QString& file, int line, const QString& reason)
    {
        issue(file, line, {}, reason);
        if (!block.global && block.problemLine == 0) {
            block.problemFile = file;
            block.problemLine = line;
        }
    }

    void parseText(const QByteArray& text, const QString& fileName, int depth, std::shared_ptr<Block> outer);
    void include(const QStringList& patterns, const QString& fileName, int line, int depth,
                 std::shared_ptr<Block> current);
};

bool isWildcard(const QString& pattern)
{
    return pattern.contains(QLatin1Char('*')) || pattern.contains(QLatin1Char('?'));
}

bool blockMatches(const Block& block, const QString& host)
{
    if (block.isMatch)
        return false;
    if (block.global)
        return true;
    return HostPattern::matchesList(block.patterns, host.toUtf8());
}

// Splits "Keyword args" / "Keyword=args" with ssh's double-quote rules. Returns false with a
// reason on an unterminated quote.
bool splitLine(const QString& raw, QString& keyword, QStringList& args, QString& problem)
{
    const QString line = raw.trimmed();
    qsizetype i = 0;
    while (i < line.size() && !line[i].isSpace() && line[i] != QLatin1Char('='))
        ++i;
    keyword = line.left(i);
    while (i < line.size() && line[i].isSpace())
        ++i;
    if (i < line.size() && line[i] == QLatin1Char('='))
        ++i;
    QString current;
    bool inQuote = false;
    bool haveWord = false;
    for (; i < line.size(); ++i) {
        const QChar c = line[i];
        if (c == QLatin1Char('"')) {
            inQuote = !inQuote;
            haveWord = true;
        } else if (c.isSpace() && !inQuote) {
            if (haveWord)
                args.append(current);
            current.clear();
            haveWord = false;
        } else if (c == QLatin1Char('#') && !inQuote && !haveWord) {
            break; // a trailing comment
        } else {
            current += c;
            haveWord = true;
        }
    }
    if (inQuote) {
        problem = SshConfigImporter::tr("the line has an unterminated quote");
        return false;
    }
    if (haveWord)
        args.append(current);
    return true;
}

QString expandTilde(const QString& path)
{
    if (path == QLatin1String("~"))
        return QDir::homePath();
    if (path.startsWith(QLatin1String("~/")))
        return QDir::homePath() + path.mid(1);
    return path;
}

void Parser::parseText(const QByteArray& text, const QString& fileName, int depth, std::shared_ptr<Block> outer)
{
    std::shared_ptr<Block> current = std::move(outer);
    const QList<QByteArray> lines = text.split('\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const int lineNo = int(n + 1);
        QString raw = QString::fromUtf8(lines.at(n));
        if (raw.endsWith(QLatin1Char('\r')))
            raw.chop(1);
        const QString trimmed = raw.trimmed();
        if (trimmed.isEmpty() || trimmed.startsWith(QLatin1Char('#')))
            continue;
        QString keyword;
        QStringList args;
        QString problem;
        if (!splitLine(trimmed, keyword, args, problem)) {
            lineIssue(*current, fileName, lineNo, SshConfigImporter::tr("%1; the line is ignored.").arg(problem));
            continue;
        }
        const QString shownKeyword = keyword;
        keyword = keyword.toLower();
        if (keyword == QLatin1String("host")) {
            auto block = std::make_shared<Block>();
            if (args.isEmpty())
                issue(fileName, lineNo, {}, SshConfigImporter::tr("\"Host\" has no patterns; the section is ignored."));
            for (const QString& pattern : args) {
                block->patterns.append(pattern.toUtf8());
                if (pattern.startsWith(QLatin1Char('!'))) {
                    issue(fileName, lineNo, pattern,
                          SshConfigImporter::tr("a negated pattern, not a host; it is not imported."));
                } else {
                    if (isWildcard(pattern)) {
                        issue(fileName, lineNo, pattern,
                              SshConfigImporter::tr(
                                  "a wildcard pattern, not a host; its settings apply to the hosts it matches."));
                    } else {
                        if (!aliasNames.contains(pattern)) {
                            aliasNames.insert(pattern);
                            aliases.append(Alias{pattern, fileName, lineNo, block});
                        }
                    }
                }
            }
            current = block;
            continue;
        }
        if (keyword == QLatin1String("match")) {
            auto block = std::make_shared<Block>();
            block->isMatch = true;
            issue(fileName, lineNo, {},
                  SshConfigImporter::tr(
                      "\"Match %1\" cannot be evaluated when importing; the settings in this section are ignored.")
                      .arg(args.join(QLatin1Char(' '))));
            current = block;
            continue;
        }
        if (args.isEmpty()) {
            lineIssue(*current, fileName, lineNo,
                      SshConfigImporter::tr("\"%1\" has no value; the line is ignored.").arg(shownKeyword));
            continue;
        }
        if (keyword == QLatin1String("include")) {
            include(args, fileName, lineNo, depth, current);
            continue;
        }
        options.append(Option{fileName, lineNo, keyword, args, current});
    }
}

void Parser::include(const QStringList& patterns, const QString& fileName, int line, int depth,
                     std::shared_ptr<Block> current)
{
    if (depth + 1 > maxIncludeDepth) {
        issue(fileName, line, {},
              SshConfigImporter::tr("Include is nested more than %1 levels deep (a loop?); it is not followed.")
                  .arg(maxIncludeDepth));
        return;
    }
    for (const QString& pattern : patterns) {
        QString path = expandTilde(pattern);
        if (QFileInfo(path).isRelative())
            path = sshDir + QLatin1Char('/') + path;
        const QFileInfo info(path);
        QStringList files;
        if (isWildcard(info.fileName())) {
            const QDir dir(info.absolutePath());
            const QStringList names = dir.entryList({info.fileName()}, QDir::Files | QDir::Readable, QDir::Name);
            for (const QString& name : names)
                files.append(dir.filePath(name));
        } else if (info.isFile()) {
            files.append(info.absoluteFilePath());
        }
        if (files.isEmpty()) {
            issue(fileName, line, {},
                  SshConfigImporter::tr("Include \"%1\": no such file; nothing is included.").arg(pattern));
            continue;
        }
        for (const QString& file : files) {
            QFile f(file);
            if (f.size() > kMaxSshConfigBytes || !f.open(QIODevice::ReadOnly)) {
                issue(fileName, line, {},
                      SshConfigImporter::tr("Include \"%1\": cannot read it (%2).").arg(file, f.errorString()));
                continue;
            }
            // As in ssh, Host and Match lines inside the included file end at its end.
            parseText(f.readAll(), file, depth + 1, current);
        }
    }
}

struct Value
{
    QString text;
    QStringList args;
    QString file;
    int line = 0;
    bool found = false;
};

Value firstValue(const QList<Option>& options, const QString& host, const QString& keyword)
{
    for (const Option& o : options) {
        if (o.keyword == keyword && blockMatches(*o.block, host))
            return Value{o.args.first(), o.args, o.file, o.line, true};
    }
    return {};
}

// The options looked up per host and keyword without reading every option each time (a config
// of thousands of hosts made that quadratic): an option of a section whose patterns are all plain
// names is filed under those names; the others (wildcards, negations, the global section) are
// looked at for every host. Candidates are taken in file order, and each is checked with
// blockMatches(), so the answer is the one firstValue() gives.
class OptionIndex
{
public:
    explicit OptionIndex(const QList<Option>& options)
        : m_options(options)
    {
        for (qsizetype i = 0; i < options.size(); ++i) {
            const Option& o = options.at(i);
            if (isPlain(*o.block)) {
                for (const QByteArray& pattern : std::as_const(o.block->patterns))
                    m_plain[o.keyword][QString::fromUtf8(pattern).toLower()].append(i);
            } else if (!o.block->isMatch) {
                m_general[o.keyword].append(i);
            }
        }
    }

    Value first(const QString& host, const QString& keyword) const
    {
        static const QList<qsizetype> none;
        const auto plainForKeyword = m_plain.constFind(keyword);
        const QList<qsizetype>& plain
            = plainForKeyword == m_plain.constEnd() ? none : plainForKeyword->value(host.toLower(), none);
        const QList<qsizetype>& general = m_general.value(keyword, none);
        qsizetype a = 0;
        qsizetype b = 0;
        while (a < plain.size() || b < general.size()) {
            qsizetype index = 0;
            if (b >= general.size() || (a < plain.size() && plain.at(a) < general.at(b)))
                index = plain.at(a++);
            else
                index = general.at(b++);
            const Option& o = m_options.at(index);
            if (blockMatches(*o.block, host))
                return Value{o.args.first(), o.args, o.file, o.line, true};
        }
        return {};
    }

private:
    static bool isPlain(const Block& block)
    {
        if (block.global || block.isMatch || block.patterns.isEmpty())
            return false;
        for (const QByteArray& pattern : block.patterns) {
            if (pattern.startsWith('!') || isWildcard(QString::fromUtf8(pattern)))
                return false;
        }
        return true;
    }

    const QList<Option>& m_options;
    QHash<QString, QHash<QString, QList<qsizetype>>> m_plain; // keyword -> host -> option indexes
    QHash<QString, QList<qsizetype>> m_general; // keyword -> option indexes
};

// Expands the % tokens ssh allows; returns false on one we cannot know here.
bool expandTokens(QString& text, const QHash<QChar, QString>& tokens, QString& problem)
{
    QString out;
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (text[i] != QLatin1Char('%')) {
            out += text[i];
            continue;
        }
        if (i + 1 >= text.size()) {
            problem = SshConfigImporter::tr("\"%1\" ends with a lone \"%\"").arg(text);
            return false;
        }
        const QChar token = text[++i];
        if (token == QLatin1Char('%')) {
            out += token;
        } else if (tokens.contains(token)) {
            out += tokens.value(token);
        } else {
            problem = SshConfigImporter::tr("\"%1\" uses the token %%2, which cannot be expanded when importing")
                          .arg(text, token);
            return false;
        }
    }
    text = out;
    return true;
}
} // namespace

QString SshConfigImporter::defaultPath()
{
    return QDir::homePath() + QStringLiteral("/.ssh/config");
}

Result<ImportResult> SshConfigImporter::importFile(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        return Error(ErrorKind::NotFound, tr("The SSH configuration \"%1\" does not exist.").arg(path));
    if (file.size() > kMaxSshConfigBytes)
        return Error(ErrorKind::InvalidInput, tr("The SSH configuration \"%1\" is larger than 4 MiB.").arg(path));
    if (!file.open(QIODevice::ReadOnly))
        return Error(ErrorKind::Io, tr("Cannot read the SSH configuration \"%1\".").arg(path), file.errorString());
    // Relative Include paths resolve against the folder of the file imported: ~/.ssh for
    // ~/.ssh/config as in ssh, and the file's own folder for a config kept elsewhere.
    return parse(file.readAll(), path, QFileInfo(path).absolutePath());
}

std::optional<QString> SshConfigImporter::optionFor(const QString& path, const QString& host, const QString& keyword)
{
    QFile file(path);
    if (file.size() > kMaxSshConfigBytes || !file.open(QIODevice::ReadOnly))
        return std::nullopt;
    Parser parser;
    parser.sshDir = QFileInfo(path).absolutePath();
    auto global = std::make_shared<Block>();
    global->global = true;
    parser.parseText(file.readAll(), path, 0, global);
    const Value value = firstValue(parser.options, host, keyword);
    if (!value.found)
        return std::nullopt;
    return value.text;
}

ImportResult SshConfigImporter::parse(const QByteArray& text, const QString& fileName, const QString& sshDir)
{
    Parser parser;
    parser.sshDir = sshDir;
    auto global = std::make_shared<Block>();
    global->global = true;
    parser.parseText(text, fileName, 0, global);

    const OptionIndex options(parser.options);
    const QString localUser = qEnvironmentVariable("USER");
    for (const Parser::Alias& entry : parser.aliases) {
        const QString& alias = entry.name;
        const QString& aliasFile = entry.file;
        const int aliasLine = entry.line;
        auto skip = [&](const QString& file, int line, const QString& reason) {
            parser.issue(file, line, alias, reason + QLatin1Char(' ') + tr("The host is not imported."));
        };
        if (entry.block->problemLine > 0) {
            skip(aliasFile, aliasLine,
                 tr("Its section has a broken line (%1:%2).")
                     .arg(entry.block->problemFile)
                     .arg(entry.block->problemLine));
            continue;
        }
        if (Status s = Target::checkName(alias); !s) {
            skip(aliasFile, aliasLine, s.error().message);
            continue;
        }
        VmSettings vm;
        QString problem;

        Value hostName = options.first(alias, QStringLiteral("hostname"));
        QString hostText = hostName.found ? hostName.text : alias;
        if (hostName.found && !expandTokens(hostText, {{QLatin1Char('h'), alias}}, problem)) {
            skip(hostName.file, hostName.line, problem + QLatin1Char('.'));
            continue;
        }
        auto host = HostName::parse(hostText);
        if (!host) {
            skip(hostName.found ? hostName.file : aliasFile, hostName.found ? hostName.line : aliasLine,
                 host.error().message);
            continue;
        }
        vm.host = *host;

        Value port = options.first(alias, QStringLiteral("port"));
        if (port.found) {
            auto p = Port::parse(port.text);
            if (!p) {
                skip(port.file, port.line, p.error().message);
                continue;
            }
            vm.port = *p;
        }

        Value user = options.first(alias, QStringLiteral("user"));
        if (user.found) {
            QString userText = user.text;
            if (!expandTokens(userText, {{QLatin1Char('u'), localUser}}, problem)) {
                skip(user.file, user.line, problem + QLatin1Char('.'));
                continue;
            }
            if (Status s = SshAddress::checkUser(userText); !s) {
                skip(user.file, user.line, s.error().message);
                continue;
            }
            vm.user = userText;
        }
        // Deploying needs root: a user other than root gets it through sudo (editable later).
        vm.sudo = (vm.user.isEmpty() ? localUser : vm.user) != QLatin1String("root");

        // The tokens IdentityFile and UserKnownHostsFile may use.
        const QHash<QChar, QString> tokens{{QLatin1Char('d'), QDir::homePath()},
                                           {QLatin1Char('h'), vm.host.toString()},
                                           {QLatin1Char('n'), alias},
                                           {QLatin1Char('r'), vm.user.isEmpty() ? localUser : vm.user},
                                           {QLatin1Char('u'), localUser},
                                           {QLatin1Char('p'), QString::number(vm.port.value())}};
        Value identity = options.first(alias, QStringLiteral("identityfile"));
        if (identity.found && identity.text.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0) {
            QString key = expandTilde(identity.text);
            if (!expandTokens(key, tokens, problem)) {
                skip(identity.file, identity.line, problem + QLatin1Char('.'));
                continue;
            }
            if (QFileInfo(key).isRelative())
                key = sshDir + QLatin1Char('/') + key;
            vm.auth = SshAuthMethod::KeyFile;
            vm.keyPath = key;
        }

        // Where the user keeps the keys of this host: the app checks the same files, so a key the
        // user already pinned is not asked about again.
        Value known = options.first(alias, QStringLiteral("userknownhostsfile"));
        if (known.found) {
            if (known.text.compare(QLatin1String("none"), Qt::CaseInsensitive) == 0) {
                vm.knownHostsFiles = {QString()};
            } else {
                // %k: the host key alias, which is the alias here (HostKeyAlias is not read).
                QHash<QChar, QString> knownTokens = tokens;
                knownTokens.insert(QLatin1Char('k'), alias);
                QStringList files;
                for (QString file : known.args) {
                    file = expandTilde(file);
                    if (!expandTokens(file, knownTokens, problem)) {
                        // The host is still imported; its keys are then checked in ~/.ssh/known_hosts.
                        parser.issue(known.file, known.line, alias,
                                     problem + QLatin1Char(' ')
                                         + tr("The host is imported with the usual ~/.ssh/known_hosts."));
                        files.clear();
                        break;
                    }
                    if (QFileInfo(file).isRelative())
                        file = sshDir + QLatin1Char('/') + file;
                    files << QDir::cleanPath(file);
                }
                vm.knownHostsFiles = files;
            }
        }

        Value jump = options.first(alias, QStringLiteral("proxyjump"));
        if (jump.found && jump.text.compare(QLatin1String("none"), Qt::CaseInsensitive) != 0) {
            QString jumpText = jump.text;
            if (jumpText.startsWith(QLatin1String("ssh://")))
                jumpText = jumpText.mid(6);
            auto parsed = JumpHost::parse(jumpText);
            // "ProxyJump bastion" usually names another Host alias: use its settings.
            QString jumpUser;
            QString jumpAlias = jumpText;
            if (const qsizetype at = jumpAlias.lastIndexOf(QLatin1Char('@')); at >= 0) {
                jumpUser = jumpAlias.left(at);
                jumpAlias = jumpAlias.mid(at + 1);
            }
            bool aliasKnown = false;
            for (const auto& a : parser.aliases)
                aliasKnown = aliasKnown || a.name == jumpAlias;
            if (aliasKnown && jumpAlias != alias) {
                const Value jHost = options.first(jumpAlias, QStringLiteral("hostname"));
                const Value jPort = options.first(jumpAlias, QStringLiteral("port"));
                const Value jUser = options.first(jumpAlias, QStringLiteral("user"));
                QString spec = jumpUser.isEmpty() ? (jUser.found ? jUser.text : QString()) : jumpUser;
                if (!spec.isEmpty())
                    spec += QLatin1Char('@');
                QString h = jHost.found ? jHost.text : jumpAlias;
                h.replace(QStringLiteral("%h"), jumpAlias);
                spec += h.contains(QLatin1Char(':')) ? QLatin1Char('[') + h + QLatin1Char(']') : h;
                if (jPort.found)
                    spec += QLatin1Char(':') + jPort.text;
                parsed = JumpHost::parse(spec);
            }
            if (!parsed) {
                skip(jump.file, jump.line, parsed.error().message);
                continue;
            }
            vm.jumpHost = *parsed;
        }

        Target target = Target::makeVm(alias, vm);
        if (Status s = target.validate(); !s) {
            skip(aliasFile, aliasLine, s.error().message);
            continue;
        }
        parser.result.sourceFiles.insert(target.id, aliasFile);
        parser.result.targets.append(target);
    }
    qCDebug(lcInventory) << "ssh config import:" << parser.result.targets.size() << "hosts,"
                         << parser.result.skipped.size() << "skipped";
    return parser.result;
}

} // namespace aio

#include "ui/logs/LogTableModel.h"

#include <QDateTime>
#include <QFontDatabase>
#include <QGuiApplication>
#include <QPalette>

#include <algorithm>

namespace aio::ui {

namespace {

QString fromBytes(QByteArrayView bytes)
{
    return QString::fromUtf8(bytes.data(), bytes.size());
}

QColor levelColor(LogLevel level)
{
    switch (level) {
    case LogLevel::Critical:
    case LogLevel::Error:
        return QColor(0xc6, 0x28, 0x28);
    case LogLevel::Warning:
        return QColor(0xb2, 0x6a, 0x00);
    case LogLevel::Trace:
    case LogLevel::Debug:
        return QGuiApplication::palette().color(QPalette::PlaceholderText);
    default:
        return {};
    }
}

} // namespace

LogTableModel::LogTableModel(QObject* parent)
    : QAbstractTableModel(parent)
{ }

void LogTableModel::setSources(const QList<Source>& sources)
{
    beginResetModel();
    m_sources = sources;
    m_rows.clear();
    m_snapshots.clear();
    m_matches = 0;
    endResetModel();
}

void LogTableModel::setShape(Shape shape)
{
    if (shape == m_shape)
        return;
    beginResetModel();
    m_shape = shape;
    endResetModel();
}

void LogTableModel::setUtc(bool utc)
{
    if (utc == m_utc)
        return;
    m_utc = utc;
    if (!m_rows.empty())
        emit dataChanged(index(0, 0), index(rowCount() - 1, 0));
    emit headerDataChanged(Qt::Horizontal, 0, 0);
}

void LogTableModel::clear()
{
    beginResetModel();
    m_rows.clear();
    m_snapshots.clear();
    m_matches = 0;
    endResetModel();
}

void LogTableModel::apply(const LogViewUpdate& update)
{
    const LogViewDelta& d = update.delta;
    if (d.reset) {
        beginResetModel();
        m_rows.assign(d.tail.begin(), d.tail.end());
        m_snapshots = update.snapshots;
        m_matches = d.matchCount;
        endResetModel();
        return;
    }
    m_snapshots = update.snapshots;
    m_matches = d.matchCount;
    const qint64 drop = std::min<qint64>(d.dropFront, qint64(m_rows.size()));
    if (drop > 0) {
        beginRemoveRows({}, 0, int(drop - 1));
        m_rows.erase(m_rows.begin(), m_rows.begin() + drop);
        endRemoveRows();
    }
    const qint64 old = qint64(m_rows.size());
    const qint64 from = std::clamp<qint64>(d.replaceFrom, 0, old);
    const qint64 tail = qint64(d.tail.size());
    const qint64 overlap = std::min(old - from, tail);
    if (overlap > 0) {
        std::copy(d.tail.begin(), d.tail.begin() + overlap, m_rows.begin() + from);
        emit dataChanged(index(int(from), 0), index(int(from + overlap - 1), columnCount() - 1));
    }
    if (tail > overlap) {
        beginInsertRows({}, int(old), int(old + tail - overlap - 1));
        m_rows.insert(m_rows.end(), d.tail.begin() + overlap, d.tail.end());
        endInsertRows();
    } else if (from + tail < old) {
        beginRemoveRows({}, int(from + tail), int(old - 1));
        m_rows.erase(m_rows.begin() + (from + tail), m_rows.end());
        endRemoveRows();
    }
}

void LogTableModel::setSortedRows(std::vector<LogRow> rows)
{
    beginResetModel();
    m_rows.assign(rows.begin(), rows.end());
    endResetModel();
}

std::vector<LogRow> LogTableModel::sortedByColumn(std::vector<LogRow> rows, const std::vector<LogSnapshot>& snapshots,
                                                  int accessColumn, Qt::SortOrder order)
{
    // One key a row, read once: a number for status, bytes and upstream time, else the bytes.
    struct Key
    {
        double number = 0;
        QByteArrayView text;
    };
    const bool numeric = accessColumn == AccessStatus || accessColumn == AccessBytes || accessColumn == AccessUpstream;
    std::vector<Key> keys(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        const LogRow& r = rows[i];
        const size_t s = size_t(r.source());
        if (s >= snapshots.size() || r.line() < snapshots[s].firstLine() || r.line() >= snapshots[s].endLine())
            continue;
        const QByteArrayView line = snapshots[s].line(r.line());
        const std::optional<AccessLogLine> a = parseAccessLine(line);
        if (!a) {
            keys[i].number = -1;
            continue;
        }
        switch (accessColumn) {
        case AccessClient:
            keys[i].text = a->client;
            break;
        case AccessMethod:
            keys[i].text = a->method;
            break;
        case AccessPath:
            keys[i].text = a->path;
            break;
        case AccessStatus:
            keys[i].number = a->status;
            break;
        case AccessBytes:
            keys[i].number = double(a->bytes);
            break;
        case AccessUpstream:
            keys[i].number = a->upstreamSeconds.value_or(-1);
            break;
        case AccessAgent:
            keys[i].text = a->userAgent;
            break;
        default:
            keys[i].number = double(r.timeMs);
            break;
        }
    }
    std::vector<quint32> indexes(rows.size());
    for (size_t i = 0; i < indexes.size(); ++i)
        indexes[i] = quint32(i);
    const bool ascending = order == Qt::AscendingOrder;
    std::stable_sort(indexes.begin(), indexes.end(), [&](quint32 x, quint32 y) {
        const Key& a = keys[x];
        const Key& b = keys[y];
        if (numeric || (a.text.isEmpty() && b.text.isEmpty()))
            return ascending ? a.number < b.number : b.number < a.number;
        const int c = a.text.compare(b.text);
        return ascending ? c < 0 : c > 0;
    });
    std::vector<LogRow> sorted;
    sorted.reserve(rows.size());
    for (quint32 i : indexes)
        sorted.push_back(rows[i]);
    return sorted;
}

int LogTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(std::min<size_t>(m_rows.size(), size_t(std::numeric_limits<int>::max())));
}

int LogTableModel::columnCount(const QModelIndex& parent) const
{
    if (parent.isValid())
        return 0;
    return m_shape == Shape::Lines ? int(LinesColumnCount) : int(AccessColumnCount);
}

std::optional<QByteArrayView> LogTableModel::lineBytes(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size())
        return std::nullopt;
    const LogRow& r = m_rows[size_t(row)];
    const size_t s = size_t(r.source());
    if (s >= m_snapshots.size())
        return std::nullopt;
    const LogSnapshot& snap = m_snapshots[s];
    if (r.line() < snap.firstLine() || r.line() >= snap.endLine())
        return std::nullopt;
    return snap.line(r.line());
}

std::optional<QByteArrayView> LogTableModel::messageBytes(int row) const
{
    std::optional<QByteArrayView> line = lineBytes(row);
    if (!line)
        return line;
    const size_t s = size_t(m_rows[size_t(row)].source());
    if (s < size_t(m_sources.size()) && m_sources[qsizetype(s)].format == LogFormat::DockerTimestamped) {
        if (std::optional<DockerLine> docker = splitDockerTimestamp(*line))
            return docker->message;
    }
    return line;
}

QString LogTableModel::formatTime(qint64 ms) const
{
    const QDateTime t = m_utc ? QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC) : QDateTime::fromMSecsSinceEpoch(ms);
    return t.toString(QStringLiteral("yyyy-MM-dd HH:mm:ss.zzz"));
}

QString LogTableModel::rowText(int row) const
{
    if (row < 0 || size_t(row) >= m_rows.size())
        return {};
    const LogRow& r = m_rows[size_t(row)];
    const QString source = r.source() < m_sources.size() ? m_sources[r.source()].name : QString();
    const std::optional<QByteArrayView> message = messageBytes(row);
    return formatTime(r.timeMs) + QLatin1Char(' ') + source + QLatin1Char(' ')
        + (message ? fromBytes(*message) : tr("(no longer in memory)"));
}

int LogTableModel::nextMatch(int from, bool forward) const
{
    const qint64 n = qint64(m_rows.size());
    if (n == 0 || m_matches == 0)
        return -1;
    qint64 i = std::clamp<qint64>(from, -1, n);
    for (qint64 step = 0; step < n; ++step) {
        i = forward ? (i + 1) % n : (i - 1 + n) % n;
        if (m_rows[size_t(i)].matches())
            return int(i);
    }
    return -1;
}

QVariant LogTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || size_t(index.row()) >= m_rows.size())
        return {};
    const LogRow& row = m_rows[size_t(index.row())];
    if (role == SourceColorRole)
        return row.source() < m_sources.size() ? m_sources[row.source()].color : QColor();
    if (role == MatchRole)
        return row.matches();
    if (role == LevelRole)
        return int(row.level());
    if (role == Qt::FontRole && index.column() >= (m_shape == Shape::Lines ? int(MessageColumn) : int(AccessClient)))
        return QFontDatabase::systemFont(QFontDatabase::FixedFont);
    return m_shape == Shape::Lines ? linesData(index.row(), index.column(), role)
                                   : accessData(index.row(), index.column(), role);
}

QVariant LogTableModel::linesData(int rowIndex, int column, int role) const
{
    const LogRow& row = m_rows[size_t(rowIndex)];
    switch (role) {
    case Qt::DisplayRole:
        switch (column) {
        case TimeColumn:
            return formatTime(row.timeMs);
        case SourceColumn:
            return row.source() < m_sources.size() ? m_sources[row.source()].name : QString();
        case LevelColumn:
            return row.level() == LogLevel::None ? QString() : QString::fromLatin1(logLevelName(row.level()));
        case MessageColumn: {
            const std::optional<QByteArrayView> message = messageBytes(rowIndex);
            return message ? fromBytes(*message) : tr("(no longer in memory)");
        }
        default:
            return {};
        }
    case Qt::ForegroundRole:
        if (column == LevelColumn || column == MessageColumn) {
            const QColor c = levelColor(row.level());
            return c.isValid() ? QVariant(c) : QVariant();
        }
        if (column == SourceColumn && row.source() < m_sources.size())
            return m_sources[row.source()].color;
        return {};
    default:
        return {};
    }
}

QVariant LogTableModel::accessData(int rowIndex, int column, int role) const
{
    const LogRow& row = m_rows[size_t(rowIndex)];
    if (column == AccessTime || column == AccessSource)
        return linesData(rowIndex, column == AccessTime ? TimeColumn : SourceColumn, role);
    if (role != Qt::DisplayRole && role != Qt::ForegroundRole && role != Qt::TextAlignmentRole)
        return {};
    if (role == Qt::TextAlignmentRole)
        return column == AccessStatus || column == AccessBytes || column == AccessUpstream
            ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
            : QVariant();
    const size_t s = size_t(row.source());
    if (s >= m_snapshots.size())
        return {};
    const LogSnapshot& snap = m_snapshots[s];
    if (row.line() < snap.firstLine() || row.line() >= snap.endLine())
        return role == Qt::DisplayRole && column == AccessPath ? QVariant(tr("(no longer in memory)")) : QVariant();
    const std::optional<AccessLogLine> a = parseAccessLine(snap.line(row.line()));
    if (role == Qt::ForegroundRole)
        return column == AccessStatus && a ? QVariant(levelColor(row.level())) : QVariant();
    if (!a)
        return column == AccessPath ? QVariant(fromBytes(snap.line(row.line()))) : QVariant();
    switch (column) {
    case AccessClient:
        return fromBytes(a->client);
    case AccessMethod:
        return fromBytes(a->method);
    case AccessPath:
        return fromBytes(a->path);
    case AccessStatus:
        return a->status;
    case AccessBytes:
        return a->bytes;
    case AccessUpstream:
        return a->upstreamSeconds ? QVariant(QString::number(*a->upstreamSeconds, 'f', 3)) : QVariant();
    case AccessAgent:
        return fromBytes(a->userAgent);
    default:
        return {};
    }
}

QVariant LogTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    const QString time = m_utc ? tr("Time (UTC)") : tr("Time (local)");
    if (m_shape == Shape::Lines) {
        switch (section) {
        case TimeColumn:
            return time;
        case SourceColumn:
            return tr("Source");
        case LevelColumn:
            return tr("Level");
        case MessageColumn:
            return tr("Message");
        default:
            return {};
        }
    }
    switch (section) {
    case AccessTime:
        return time;
    case AccessSource:
        return tr("Source");
    case AccessClient:
        return tr("Client");
    case AccessMethod:
        return tr("Method");
    case AccessPath:
        return tr("Path");
    case AccessStatus:
        return tr("Status");
    case AccessBytes:
        return tr("Bytes");
    case AccessUpstream:
        return tr("Upstream s");
    case AccessAgent:
        return tr("User agent");
    default:
        return {};
    }
}

} // namespace aio::ui

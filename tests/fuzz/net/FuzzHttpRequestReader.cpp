// What a browser (or anything else on the workstation) sends to a tunnel's proxy, fed in the
// pieces the network happens to deliver. The reader must end in an error or in pieces, never
// crash or loop, and agree with itself: the same input read at once and in pieces gives the same
// heads and the same body bytes (a proxy and a server that disagree about where a request ends
// is request smuggling), every head it returns reads back the same after being written out, and
// nothing but body bytes passes unparsed. The first byte chooses the piece size.

#include "core/net/HttpRequestReader.h"

#include <cstdint>
#include <cstdlib>

namespace {

struct Read
{
    QList<QByteArray> heads; // serialized
    QByteArray body; // all body bytes, in order, with a marker before each head's body
    bool failed = false;
};

Read readAll(const QByteArray& input, qsizetype piece)
{
    aio::HttpRequestReader reader;
    Read out;
    for (qsizetype pos = 0; pos < input.size() && !out.failed; pos += piece) {
        QList<aio::HttpRequestReader::Piece> pieces;
        out.failed = !reader.feed(QByteArrayView(input).sliced(pos, std::min(piece, input.size() - pos)), pieces);
        for (const auto& p : pieces) {
            if (p.kind == aio::HttpRequestReader::Piece::Kind::Head) {
                const QByteArray h = p.head.serialize();
                out.heads.append(h);
                out.body.append("\n#head#\n");
                // Round trip: what the proxy writes out reads back the same.
                aio::HttpRequestReader again;
                QList<aio::HttpRequestReader::Piece> back;
                if (!again.feed(h, back) || back.isEmpty()
                    || back.first().kind != aio::HttpRequestReader::Piece::Kind::Head
                    || back.first().head.serialize() != h)
                    abort();
            } else {
                out.body.append(p.bytes);
            }
        }
        if (reader.pending() > aio::HttpRequestReader::kMaxHead + aio::HttpRequestReader::kMaxLine)
            abort();
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    if (size < 1)
        return 0;
    const qsizetype piece = 1 + (data[0] % 97);
    const QByteArray input(reinterpret_cast<const char*>(data + 1), qsizetype(size - 1));
    const Read whole = readAll(input, qMax<qsizetype>(1, input.size()));
    const Read split = readAll(input, piece);
    if (whole.failed != split.failed)
        abort();
    if (!whole.failed && (whole.heads != split.heads || whole.body != split.body))
        abort();
    return 0;
}

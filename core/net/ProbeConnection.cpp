#include "core/net/ProbeConnection.h"

#include "core/net/NetLogging.h"

#include <QCoreApplication>
#include <QEventLoop>
#include <QNetworkProxy>
#include <QSslCipher>
#include <QSslConfiguration>
#include <QSslSocket>
#include <QTimer>

namespace aio {

ProbeConnection::ProbeConnection(ProbeEndpoint endpoint, CancelToken cancel)
    : m_endpoint(std::move(endpoint))
    , m_cancel(std::move(cancel))
{ }

ProbeConnection::~ProbeConnection()
{
    close();
}

Error ProbeConnection::socketError(const QString& phase) const
{
    const QString where = m_endpoint.describe();
    const QString detail = m_socket ? m_socket->errorString() : QString();
    const auto code = m_socket ? m_socket->error() : QAbstractSocket::UnknownSocketError;
    switch (code) {
    case QAbstractSocket::ConnectionRefusedError:
        return Error(ErrorKind::ConnectionRefused, tr("%1: connection refused while %2.").arg(where, phase), detail,
                     tr("Check that the service listens on that port and that no firewall rejects it."));
    case QAbstractSocket::SocketTimeoutError:
        return Error(ErrorKind::Timeout,
                     tr("%1: no answer within %2 ms while %3.").arg(where).arg(m_endpoint.timeoutMs).arg(phase), detail,
                     tr("A firewall may drop the packets, or the host is down."));
    case QAbstractSocket::HostNotFoundError:
        return Error(ErrorKind::HostNotFound, tr("%1: the address does not resolve.").arg(where), detail);
    case QAbstractSocket::NetworkError:
        return Error(ErrorKind::HostUnreachable, tr("%1: network error while %2.").arg(where, phase), detail);
    case QAbstractSocket::RemoteHostClosedError:
        return Error(ErrorKind::ConnectionLost, tr("%1: the peer closed the connection while %2.").arg(where, phase),
                     detail);
    case QAbstractSocket::SslHandshakeFailedError:
    case QAbstractSocket::SslInternalError:
    case QAbstractSocket::SslInvalidUserDataError:
        return Error(ErrorKind::Tls, tr("%1: TLS handshake failed.").arg(where), detail);
    case QAbstractSocket::UnknownSocketError:
        if (m_socket && m_socket->state() == QAbstractSocket::UnconnectedState)
            return Error(ErrorKind::ConnectionLost, tr("%1: the connection closed while %2.").arg(where, phase),
                         detail);
        return Error(ErrorKind::HostUnreachable, tr("%1: socket error while %2.").arg(where, phase), detail);
    default:
        return Error(ErrorKind::HostUnreachable, tr("%1: socket error while %2.").arg(where, phase), detail);
    }
}

Status ProbeConnection::waitUntil(const std::function<bool()>& done, const QString& phase)
{
    if (m_cancel.isCancelled())
        return Error(ErrorKind::Cancelled, tr("%1: cancelled while %2.").arg(m_endpoint.describe(), phase));
    if (done())
        return {};
    // A local event loop in this worker thread: the socket's signals, the deadline and a cancel
    // (posted from whichever thread cancels) each end it at once; nothing polls.
    QEventLoop loop;
    bool timedOut = false;
    QSslSocket* socket = m_socket.get();
    const auto settle = [&] {
        if (done() || socket->state() == QAbstractSocket::UnconnectedState)
            loop.quit();
    };
    QObject::connect(socket, &QAbstractSocket::connected, &loop, settle);
    QObject::connect(socket, &QSslSocket::encrypted, &loop, settle);
    QObject::connect(socket, &QIODevice::readyRead, &loop, settle);
    QObject::connect(socket, &QIODevice::bytesWritten, &loop, settle);
    QObject::connect(socket, &QAbstractSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(socket, &QAbstractSocket::errorOccurred, &loop, &QEventLoop::quit);
    QTimer::singleShot(m_endpoint.timeoutMs, &loop, [&] {
        timedOut = true;
        loop.quit();
    });
    const CancelToken::Subscription wake
        = m_cancel.onCancel([&loop] { QMetaObject::invokeMethod(&loop, &QEventLoop::quit, Qt::QueuedConnection); });
    if (!m_cancel.isCancelled())
        loop.exec();
    if (done())
        return {};
    if (m_cancel.isCancelled())
        return Error(ErrorKind::Cancelled, tr("%1: cancelled while %2.").arg(m_endpoint.describe(), phase));
    if (timedOut && socket->state() != QAbstractSocket::UnconnectedState)
        return Error(
            ErrorKind::Timeout,
            tr("%1: no answer within %2 ms while %3.").arg(m_endpoint.describe()).arg(m_endpoint.timeoutMs).arg(phase),
            {}, tr("A firewall may drop the packets, or the host is down."));
    return socketError(phase);
}

Status ProbeConnection::open()
{
    m_socket = std::make_unique<QSslSocket>();
    // Straight to the host, never through a proxy from the environment or the desktop: a probe
    // judges what the host itself answers. (Asking for the system proxy also goes through one
    // libproxy thread, which made a fleet's probes wait in line.)
    m_socket->setProxy(QNetworkProxy::NoProxy);
    m_tls = {};
    if (m_cancel.isCancelled())
        return Error(ErrorKind::Cancelled, tr("%1: cancelled.").arg(m_endpoint.describe()));

    const QString address = m_endpoint.address.toString();
    const quint16 port = m_endpoint.port.value();
    if (!m_endpoint.tls) {
        m_socket->connectToHost(address, port);
        return waitUntil([this] { return m_socket->state() == QAbstractSocket::ConnectedState; }, tr("connecting"));
    }

    QSslConfiguration config = QSslConfiguration::defaultConfiguration();
    QList<QSslCertificate> cas = m_endpoint.extraCaCertificates;
    if (m_endpoint.useSystemCaCertificates)
        cas += QSslConfiguration::systemCaCertificates();
    config.setCaCertificates(cas);
    config.setProtocol(QSsl::TlsV1_2OrLater);
    config.setPeerVerifyMode(QSslSocket::VerifyPeer);
    m_socket->setSslConfiguration(config);
    // Keep the handshake going on verification errors so the chain can be shown as evidence;
    // the verdict is recorded and the callers decide whether to send anything.
    QObject::connect(
        m_socket.get(), &QSslSocket::sslErrors, m_socket.get(),
        [this](const QList<QSslError>&) { m_socket->ignoreSslErrors(); }, Qt::DirectConnection);

    m_socket->connectToHostEncrypted(address, port, m_endpoint.presentedName().toString());
    if (Status connected
        = waitUntil([this] { return m_socket->state() == QAbstractSocket::ConnectedState; }, tr("connecting"));
        !connected)
        return connected;
    const Status handshake = waitUntil([this] { return m_socket->isEncrypted(); }, tr("negotiating TLS"));

    for (const QSslCertificate& c : m_socket->peerCertificateChain()) {
        Result<CertificateInfo> info = CertificateInfo::fromDer(c.toDer());
        if (info) {
            m_tls.chain << *info;
        } else { // shown as such in the evidence, not left out of the chain
            CertificateInfo unreadable;
            unreadable.subject = tr("(a certificate that could not be read: %1)").arg(info.error().message);
            m_tls.chain << unreadable;
        }
    }
    for (const QSslError& e : m_socket->sslHandshakeErrors()) {
        m_tls.verificationErrors << e.errorString();
        m_tls.errorCodes << e.error();
    }
    if (!handshake)
        return handshake;
    m_tls.encrypted = m_socket->isEncrypted();
    m_tls.verified = m_tls.encrypted && m_tls.errorCodes.isEmpty();
    m_tls.protocol = m_socket->sessionProtocol() == QSsl::TlsV1_3 ? QStringLiteral("TLSv1.3")
        : m_socket->sessionProtocol() == QSsl::TlsV1_2            ? QStringLiteral("TLSv1.2")
                                                                  : QStringLiteral("TLS");
    m_tls.cipher = m_socket->sessionCipher().name();
    qCDebug(lcNet) << "TLS to" << m_endpoint.describe() << "verified:" << m_tls.verified;
    return {};
}

Result<bool> ProbeConnection::openAndSend(const QByteArray& request, bool sendWhenUnverified)
{
    if (const Status opened = open(); !opened)
        return opened.error();
    if (m_endpoint.tls && !m_tls.verified && !sendWhenUnverified)
        return false;
    if (const Status written = writeAll(request); !written)
        return written.error();
    return true;
}

Status ProbeConnection::writeAll(const QByteArray& data)
{
    if (!m_socket || m_socket->state() != QAbstractSocket::ConnectedState)
        return Error(ErrorKind::ConnectionLost, tr("%1: not connected.").arg(m_endpoint.describe()));
    if (m_socket->write(data) != data.size())
        return socketError(tr("sending"));
    return waitUntil([this] { return m_socket->bytesToWrite() == 0; }, tr("sending"));
}

Result<QByteArray> ProbeConnection::readSome()
{
    if (!m_socket)
        return Error(ErrorKind::ConnectionLost, tr("%1: not connected.").arg(m_endpoint.describe()));
    if (m_socket->bytesAvailable() > 0)
        return m_socket->readAll();
    if (m_socket->state() != QAbstractSocket::ConnectedState)
        return QByteArray();
    const Status s = waitUntil([this] { return m_socket->bytesAvailable() > 0; }, tr("waiting for the answer"));
    if (m_socket->bytesAvailable() > 0)
        return m_socket->readAll();
    if (!s && s.error().kind != ErrorKind::ConnectionLost)
        return s.error();
    return QByteArray(); // closed by the peer
}

bool ProbeConnection::peerClosed() const
{
    return !m_socket || (m_socket->state() != QAbstractSocket::ConnectedState && m_socket->bytesAvailable() == 0);
}

void ProbeConnection::close()
{
    if (m_socket) {
        m_socket->abort();
        m_socket.reset();
    }
}

} // namespace aio

#pragma once

// Internal to core/crypto: RAII holders for OpenSSL handles and small helpers. Nothing outside
// core/crypto includes this header; OpenSSL types never escape the folder.

#include "core/common/Result.h"

#include <QByteArray>
#include <QString>

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace aio::openssl {

template <typename T, void (*Free)(T*)>
struct Deleter
{
    void operator()(T* p) const
    {
        if (p)
            Free(p);
    }
};

using BioPtr = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, Deleter<EVP_PKEY_CTX, EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, Deleter<EVP_MD_CTX, EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using X509ExtPtr = std::unique_ptr<X509_EXTENSION, Deleter<X509_EXTENSION, X509_EXTENSION_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BIGNUM, BN_free>>;
using GeneralNamesPtr = std::unique_ptr<GENERAL_NAMES, Deleter<GENERAL_NAMES, GENERAL_NAMES_free>>;

// The OpenSSL error queue as one line (and the queue emptied), for Error::detail.
QString errorText();
// An Error of kind Internal/InvalidInput with the queue's text as detail.
Error error(ErrorKind kind, const QString& message);

BioPtr memoryBio(const QByteArray& data); // read-only view of data (data must outlive the BIO)
QByteArray bioContent(BIO* bio);

Result<PkeyPtr> readPrivateKey(const QByteArray& pem);
Result<PkeyPtr> readPublicKey(const QByteArray& pem);
Result<X509Ptr> readCertificate(const QByteArray& pem);
Result<QByteArray> privateKeyPem(EVP_PKEY* key); // PKCS#8, unencrypted
Result<QByteArray> publicKeyPem(EVP_PKEY* key); // SubjectPublicKeyInfo
Result<QByteArray> certificatePem(X509* certificate);

} // namespace aio::openssl

#pragma once

#include "core/common/Result.h"

#include <QCoreApplication>
#include <QString>

namespace aio {

// A container image reference, parsed strictly per the OCI distribution grammar
// (github.com/distribution/reference): [domain[:port]/]path[:tag][@algorithm:hex].
// Anything outside that grammar (spaces, shell metacharacters, upper case in the path…) is
// refused, so a parsed ImageRef can go on a command line as it is.
class ImageRef
{
    Q_DECLARE_TR_FUNCTIONS(aio::ImageRef)

public:
    ImageRef() = default;
    // "ghcr.io/agent-infra/sandbox:1.11.0", "nginx", "localhost:5000/a/b@sha256:…".
    static Result<ImageRef> parse(const QString& text);
    // Builds from a repository ("ghcr.io/agent-infra/sandbox") and a tag ("1.11.0").
    static Result<ImageRef> fromParts(const QString& repository, const QString& tag);

    QString domain() const { return m_domain; } // "ghcr.io", or empty (Docker Hub)
    QString path() const { return m_path; } // "agent-infra/sandbox"
    QString repository() const; // domain + "/" + path, or path alone
    QString tag() const { return m_tag; } // may be empty
    QString digest() const { return m_digest; } // "sha256:…", may be empty
    // The reference as docker takes it; with no tag and no digest, docker means ":latest".
    QString toString() const;
    bool isEmpty() const { return m_path.isEmpty(); }
    // True for ":latest" or for no tag and no digest: the version can change under the admin.
    bool isFloating() const;

    friend bool operator==(const ImageRef& a, const ImageRef& b)
    {
        return a.m_domain == b.m_domain && a.m_path == b.m_path && a.m_tag == b.m_tag && a.m_digest == b.m_digest;
    }

private:
    QString m_domain;
    QString m_path;
    QString m_tag;
    QString m_digest;
};

} // namespace aio

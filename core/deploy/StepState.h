#pragma once

#include "core/deploy/FileSnapshot.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace aio {

// What a step found on the host before doing anything (Step::detect()). It is kept by the
// runner: preview() compares against it, and rollback() restores it.
struct StepState
{
    // The host already is as the step would leave it: apply is not needed ("already done").
    bool alreadyDone = false;
    // Non-empty: the step does not apply to these answers/this host (e.g. firewall tool "none");
    // the runner records it as skipped with this reason.
    QString notApplicableReason;
    // One translated line for the UI: "Container aio-sandbox runs ghcr.io/…:1.10.0".
    QString summary;
    // Step-specific facts (container id and settings, nginx -t output, …) for preview/rollback.
    QJsonObject facts;
    // Files the step may change, as they were (for the diff and for rollback).
    QList<FileSnapshot> files;

    // The snapshot of path, or nullptr.
    const FileSnapshot* file(const QString& path) const
    {
        for (const FileSnapshot& f : files) {
            if (f.path == path)
                return &f;
        }
        return nullptr;
    }
};

} // namespace aio

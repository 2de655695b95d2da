#pragma once

#include "core/common/Result.h"
#include "core/inventory/Target.h"

#include <QByteArray>
#include <QCoreApplication>
#include <QList>
#include <QString>

namespace aio {

// The inventory file format: {"format": "aio-sandbox-manager/inventory", "version": 2,
// "targets": [...]}. Version 2 added each target's "group" and "tags"; a version 1 file reads as
// targets without them (Inventory::load migrates it, keeping the old file as a backup). Pure functions, safe to call
// from any thread. Writes are atomic (QSaveFile) and the file is made readable by its owner only.
class InventoryFile
{
    Q_DECLARE_TR_FUNCTIONS(aio::InventoryFile)

public:
    static constexpr int currentVersion = 2;
    static QString formatName(); // "aio-sandbox-manager/inventory"

    // A missing file is an empty list. Corrupt: not JSON, wrong format, or an invalid entry
    // (the error names it). UnsupportedVersion: written by a newer version of the app.
    // version, when given, receives the file's format version (currentVersion for a missing file).
    static Result<QList<Target>> read(const QString& path, int* version = nullptr);
    static Result<QList<Target>> parse(const QByteArray& json, int* version = nullptr);
    // Copies the file at path to "<path>.v<version>-backup" (".2", ".3"… when that exists) before a
    // migration rewrites it; returns the backup's path.
    static Result<QString> backup(const QString& path, int version);
    // Refuses to replace a file that read() cannot read (Corrupt / UnsupportedVersion): the
    // user's data in it is never overwritten. Creates the folder when needed.
    static Status write(const QString& path, const QList<Target>& targets);
    static QByteArray serialize(const QList<Target>& targets);
};

} // namespace aio

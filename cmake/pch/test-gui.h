// Precompiled for the GUI tests: ui.h and Qt Test with its Widgets part.
#pragma once

#include "ui.h"

#include <QSignalSpy>
#include <QTest>

// Precompiled for the unit and integration tests: core.h and Qt Test (whose macros are the same
// for every test: see QT_TESTCASE_SOURCEDIR in the top CMakeLists.txt).
#pragma once

#include "core.h"

#include <QSignalSpy>
#include <QTest>

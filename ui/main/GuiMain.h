#pragma once

#include <QString>

class QApplication;

namespace aio::ui {

// What the command line tells the GUI.
struct GuiOptions
{
    QString profileDir; // --profile DIR: keep everything under DIR (empty: the platform's locations)
};

// Runs the main window until the user quits; returns the exit code. app/main.cpp calls it when
// no CLI command was given.
int runGui(QApplication& app, const GuiOptions& options);

} // namespace aio::ui

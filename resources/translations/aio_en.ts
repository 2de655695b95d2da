<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<!-- English plural forms of the strings that count something (tr(text, nullptr, n) with %n).
     Only numerus messages live here; every other English text is the source text itself. When
     you add a %n string, add its forms here under the class's full name (the tr() context). -->
<TS version="2.1" language="en" sourcelanguage="en">
<context>
    <name>aio::SecretStore</name>
    <message numerus="yes">
        <source>The keychain did not answer within %n second(s).</source>
        <translation>
            <numerusform>The keychain did not answer within %n second.</numerusform>
            <numerusform>The keychain did not answer within %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::TlsCertificateStep</name>
    <message numerus="yes">
        <source>%1; %n day(s) left%2%3</source>
        <translation>
            <numerusform>%1; %n day left%2%3</numerusform>
            <numerusform>%1; %n days left%2%3</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::ui::DeployWizard</name>
    <message numerus="yes">
        <source>, %n skipped</source>
        <translation>
            <numerusform>, %n skipped</numerusform>
            <numerusform>, %n skipped</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>, %n failed</source>
        <translation>
            <numerusform>, %n failed</numerusform>
            <numerusform>, %n failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Apply the %n remaining step(s) to %1 now?</source>
        <translation>
            <numerusform>Apply the remaining step to %1 now?</numerusform>
            <numerusform>Apply the %n remaining steps to %1 now?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Check the %n remaining step(s) on %1 now?</source>
        <translation>
            <numerusform>Check the remaining step on %1 now?</numerusform>
            <numerusform>Check the %n remaining steps on %1 now?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n step(s) already done are only checked.</source>
        <translation>
            <numerusform>%n step already done is only checked.</numerusform>
            <numerusform>%n steps already done are only checked.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::ui::HistoryDialog</name>
    <message numerus="yes">
        <source>Changes: %n, newest first. Kept in %1.</source>
        <translation>
            <numerusform>One change. Kept in %1.</numerusform>
            <numerusform>%n changes, newest first. Kept in %1.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Unreadable lines left out: %n.</source>
        <translation>
            <numerusform>One unreadable line is left out.</numerusform>
            <numerusform>%n unreadable lines are left out.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::ui::StepPage</name>
    <message numerus="yes">
        <source>Files: %n change.</source>
        <translation>
            <numerusform>1 file changes.</numerusform>
            <numerusform>%n files change.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Output (%n lines)</source>
        <translation>
            <numerusform>Output (1 line)</numerusform>
            <numerusform>Output (%n lines)</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::cli::TargetsCommand</name>
    <message numerus="yes">
        <source>Imported %n target(s) from %1: %2</source>
        <translation>
            <numerusform>Imported 1 target from %1: %2</numerusform>
            <numerusform>Imported %n targets from %1: %2</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::cli::HistoryCommand</name>
    <message numerus="yes">
        <source>Lines of %1 that could not be read are left out: %n.</source>
        <translation>
            <numerusform>One line of %1 could not be read and is left out.</numerusform>
            <numerusform>%n lines of %1 could not be read and are left out.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::ui::LogsPage</name>
    <message numerus="yes">
        <source>%n match(es)</source>
        <translation>
            <numerusform>%n match</numerusform>
            <numerusform>%n matches</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s)</source>
        <translation>
            <numerusform>%n line</numerusform>
            <numerusform>%n lines</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n older line(s) read back from disk</source>
        <translation>
            <numerusform>%n older line read back from disk</numerusform>
            <numerusform>%n older lines read back from disk</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::Tunnel</name>
    <message numerus="yes">
        <source>up · %n connection(s)</source>
        <translation>
            <numerusform>up · %n connection</numerusform>
            <numerusform>up · %n connections</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>reconnecting in %n s</source>
        <translation>
            <numerusform>reconnecting in %n s</numerusform>
            <numerusform>reconnecting in %n s</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>the host did not answer for %n s</source>
        <translation>
            <numerusform>the host did not answer for %n s</numerusform>
            <numerusform>the host did not answer for %n s</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::AuthProxy</name>
    <message numerus="yes">
        <source>Each link the app gives opens one browser session, once, within %n minute(s). Open the page again from AIO Sandbox Manager.</source>
        <translation>
            <numerusform>Each link the app gives opens one browser session, once, within %n minute. Open the page again from AIO Sandbox Manager.</numerusform>
            <numerusform>Each link the app gives opens one browser session, once, within %n minutes. Open the page again from AIO Sandbox Manager.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::cli::TunnelCommand</name>
    <message numerus="yes">
        <source>%1, for one browser, once, within %n minute(s):</source>
        <translation>
            <numerusform>%1, for one browser, once, within %n minute:</numerusform>
            <numerusform>%1, for one browser, once, within %n minutes:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Stopped. %n connection(s) served, </source>
        <translation>
            <numerusform>Stopped. %n connection served, </numerusform>
            <numerusform>Stopped. %n connections served, </numerusform>
        </translation>
    </message>
</context>
<context>
    <name>aio::ui::TunnelPage</name>
    <message numerus="yes">
        <source>The link to %1 is on the clipboard; it opens one browser, once, within %n minute(s).</source>
        <translation>
            <numerusform>The link to %1 is on the clipboard; it opens one browser, once, within %n minute.</numerusform>
            <numerusform>The link to %1 is on the clipboard; it opens one browser, once, within %n minutes.</numerusform>
        </translation>
    </message>
</context>
</TS>

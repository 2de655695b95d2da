#pragma once

namespace aio::app {

// Keeps secrets held in memory from reaching the disk through a core dump, and other processes
// of the same user from attaching to read them (as KeePassXC does). Release builds only: in
// debug builds developers want their core dumps and debuggers.
void hardenProcess();

} // namespace aio::app

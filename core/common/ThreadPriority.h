#pragma once

// Threads that move and parse data in the background (an SSH session's worker, a log session's
// readers, appenders and indexer) yield to the GUI thread when the CPU is busy: each lowers its
// own priority when it starts. The work is the same; the GUI thread gets a core first when it
// wakes, so the window keeps answering while millions of lines arrive. An idle machine runs them
// as fast as before: nice only orders threads that compete for a core. The SSH worker also carries
// deployments and (later) tunnels; they wait on the network, not the CPU, and a thread cannot
// raise its priority again without privilege, so it stays lowered for the session's life.

namespace aio {

// A nice value of kBackgroundNice for the calling thread only (Linux keeps one per thread; the
// processes it starts inherit it). Raising one's own nice value needs no privilege; a failure
// changes nothing else.
inline constexpr int kBackgroundNice = 10;
void lowerThisThreadsPriority();

} // namespace aio

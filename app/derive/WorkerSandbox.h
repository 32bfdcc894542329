#pragma once

namespace chartinsight::derive {

// Limits the worker's own file access with Landlock (Linux 5.13 and later) before it parses
// anything: files may then be read only below /usr, /etc and /var/cache/fontconfig (fonts,
// image plugins, their configuration), and written nowhere. /proc is outside, so a hostile file
// that took over the parser cannot read the server's command line or environment either.
// Also sets no_new_privs. Returns false when the kernel offers no Landlock; the server's
// resource limits and empty environment still apply then.
bool restrictFileAccess();

} // namespace chartinsight::derive

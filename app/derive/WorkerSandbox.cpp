#include "WorkerSandbox.h"

#include <linux/landlock.h>

#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace chartinsight::derive {
namespace {

// Folders the worker may read after restrictFileAccess(): shared libraries and Qt's image
// plugins (/usr), fontconfig's configuration (/etc) and its font cache.
constexpr const char* kReadableFolders[] = {"/usr", "/etc", "/var/cache/fontconfig"};

// Every file-system right of Landlock ABI 1. Rights that the ruleset handles and no rule grants
// are denied, which covers writing, creating and removing files everywhere.
constexpr __u64 kAbi1Rights =
    LANDLOCK_ACCESS_FS_EXECUTE | LANDLOCK_ACCESS_FS_WRITE_FILE | LANDLOCK_ACCESS_FS_READ_FILE |
    LANDLOCK_ACCESS_FS_READ_DIR | LANDLOCK_ACCESS_FS_REMOVE_DIR | LANDLOCK_ACCESS_FS_REMOVE_FILE |
    LANDLOCK_ACCESS_FS_MAKE_CHAR | LANDLOCK_ACCESS_FS_MAKE_DIR | LANDLOCK_ACCESS_FS_MAKE_REG |
    LANDLOCK_ACCESS_FS_MAKE_SOCK | LANDLOCK_ACCESS_FS_MAKE_FIFO | LANDLOCK_ACCESS_FS_MAKE_BLOCK |
    LANDLOCK_ACCESS_FS_MAKE_SYM;
constexpr __u64 kReadRights = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;

} // namespace

bool restrictFileAccess()
{
    ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    const long abi = ::syscall(SYS_landlock_create_ruleset, nullptr, 0,
                               LANDLOCK_CREATE_RULESET_VERSION);
    if (abi < 1)
        return false;
    landlock_ruleset_attr ruleset = {};
    ruleset.handled_access_fs = kAbi1Rights;
    const int rulesetFd =
        int(::syscall(SYS_landlock_create_ruleset, &ruleset, sizeof ruleset, 0));
    if (rulesetFd < 0)
        return false;
    for (const char* folder : kReadableFolders) {
        const int folderFd = ::open(folder, O_PATH | O_CLOEXEC);
        if (folderFd < 0)
            continue;
        landlock_path_beneath_attr rule = {};
        rule.allowed_access = kReadRights;
        rule.parent_fd = folderFd;
        ::syscall(SYS_landlock_add_rule, rulesetFd, LANDLOCK_RULE_PATH_BENEATH, &rule, 0);
        ::close(folderFd);
    }
    const bool restricted = ::syscall(SYS_landlock_restrict_self, rulesetFd, 0) == 0;
    ::close(rulesetFd);
    return restricted;
}

} // namespace chartinsight::derive

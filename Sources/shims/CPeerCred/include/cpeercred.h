// Thin shim for knowing who calls the control socket: the layout and option numbers of
// Linux's SO_PEERCRED (read through the socket's own getsockopt), and the user and group
// database lookups (getpwuid_r, getgrgid_r, getgrnam_r, getgrouplist), whose buffers and
// retry-on-ERANGE loops are easier to get right in C. Wrapped once by the PeerIdentity module.
#ifndef CPEERCRED_H
#define CPEERCRED_H
#include <stddef.h>
#include <stdint.h>

/// Same layout as `struct ucred` (checked at compile time in cpeercred.c).
typedef struct {
    int32_t pid;
    uint32_t uid;
    uint32_t gid;
} frenemy_peer_cred;

/// SOL_SOCKET and SO_PEERCRED, for getsockopt on a connected Unix-domain socket.
int frenemy_peercred_level(void);
int frenemy_peercred_name(void);

/// The name of user `uid` into `buf` (NUL-terminated). 0 on success, ENOENT for no such
/// user, ERANGE if `len` is too small, or another errno.
int frenemy_user_name(uint32_t uid, char *buf, size_t len);

/// The name of group `gid` into `buf`; same results as `frenemy_user_name`.
int frenemy_group_name(uint32_t gid, char *buf, size_t len);

/// The groups of user `name` with primary group `gid` (getgrouplist): up to `*count` ids
/// into `groups`; `*count` becomes the number found. 0 on success, ERANGE when `*count` was
/// too small (then `*count` holds the number needed).
int frenemy_user_groups(const char *name, uint32_t gid, uint32_t *groups, int *count);

/// ERANGE, the "buffer too small" answer of the lookups above.
int frenemy_erange(void);

/// This process's effective uid.
uint32_t frenemy_effective_uid(void);

#endif

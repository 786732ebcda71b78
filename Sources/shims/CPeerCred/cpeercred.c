#define _GNU_SOURCE
#include "cpeercred.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

_Static_assert(sizeof(frenemy_peer_cred) == sizeof(struct ucred), "frenemy_peer_cred must match struct ucred");
_Static_assert(offsetof(frenemy_peer_cred, pid) == offsetof(struct ucred, pid), "pid offset");
_Static_assert(offsetof(frenemy_peer_cred, uid) == offsetof(struct ucred, uid), "uid offset");
_Static_assert(offsetof(frenemy_peer_cred, gid) == offsetof(struct ucred, gid), "gid offset");

int frenemy_peercred_level(void) { return SOL_SOCKET; }
int frenemy_peercred_name(void) { return SO_PEERCRED; }

int frenemy_erange(void) { return ERANGE; }

uint32_t frenemy_effective_uid(void) { return (uint32_t)geteuid(); }

/* Scratch buffer for the *_r lookups: starts at the system's suggestion, doubles on ERANGE. */
static long initial_size(int which) {
    long size = sysconf(which);
    return size > 0 ? size : 1024;
}

static int copy_name(const char *name, char *buf, size_t len) {
    size_t n = strlen(name);
    if (n + 1 > len) return ERANGE;
    memcpy(buf, name, n + 1);
    return 0;
}

int frenemy_user_name(uint32_t uid, char *buf, size_t len) {
    long size = initial_size(_SC_GETPW_R_SIZE_MAX);
    for (;;) {
        char *scratch = malloc((size_t)size);
        if (scratch == NULL) return ENOMEM;
        struct passwd pw;
        struct passwd *found = NULL;
        int rc = getpwuid_r((uid_t)uid, &pw, scratch, (size_t)size, &found);
        if (rc == ERANGE && size < (1 << 20)) {
            free(scratch);
            size *= 2;
            continue;
        }
        int result = rc != 0 ? rc : (found == NULL ? ENOENT : copy_name(found->pw_name, buf, len));
        free(scratch);
        return result;
    }
}

int frenemy_group_name(uint32_t gid, char *buf, size_t len) {
    long size = initial_size(_SC_GETGR_R_SIZE_MAX);
    for (;;) {
        char *scratch = malloc((size_t)size);
        if (scratch == NULL) return ENOMEM;
        struct group gr;
        struct group *found = NULL;
        int rc = getgrgid_r((gid_t)gid, &gr, scratch, (size_t)size, &found);
        if (rc == ERANGE && size < (1 << 20)) {
            free(scratch);
            size *= 2;
            continue;
        }
        int result = rc != 0 ? rc : (found == NULL ? ENOENT : copy_name(found->gr_name, buf, len));
        free(scratch);
        return result;
    }
}

int frenemy_user_groups(const char *name, uint32_t gid, uint32_t *groups, int *count) {
    int n = *count;
    int rc = getgrouplist(name, (gid_t)gid, (gid_t *)groups, &n);
    *count = n;
    return rc < 0 ? ERANGE : 0;
}

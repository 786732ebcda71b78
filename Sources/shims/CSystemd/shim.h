#define SD_JOURNAL_SUPPRESS_LOCATION 1
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* CLOCK_MONOTONIC in microseconds, the clock systemd expects in MONOTONIC_USEC= (RELOADING=1). */
static inline uint64_t csystemd_monotonic_usec(void) {
    struct timespec ts;
    if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) return 0;
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* 1 when something accepts datagrams on journald's native socket. A socket file left behind by a
   journald that died refuses the connect, so existence of the path alone is not enough. */
static inline int csystemd_journal_listening(void) {
    struct sockaddr_un sa;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    strncpy(sa.sun_path, "/run/systemd/journal/socket", sizeof sa.sun_path - 1);
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 0;
    int ok = connect(fd, (const struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

/* Fault injection for the crash test (tests/notice/crash.rs), loaded with LD_PRELOAD
 * into one `shine` process. It counts every write, sync and rename that process
 * makes on files under SHINE_FAULT_ROOT and can kill the process just before one.
 *
 *   SHINE_FAULT_ROOT   only files under this directory are counted (required)
 *   SHINE_FAULT_COUNT  file the number of counted calls is written to at exit
 *   SHINE_FAULT_AT     N: _exit instead of performing the Nth counted call: with
 *                      status 76 when some write or rename was not yet durable
 *                      then (so losing it makes a difference), 77 when none was
 *   SHINE_FAULT_LOSS   1: at that crash, first lose what was not made durable:
 *                      every write since the file's last fsync/fdatasync (or
 *                      sync_file_range of that range) is undone, and every rename
 *                      since the last fsync of its directory is undone when it did
 *                      not replace a file (a replaced file cannot be brought back).
 *
 * Counted: write, pwrite, pwrite64, writev, pwritev, pwritev64 (regular files),
 * fsync, fdatasync, sync_file_range (files and directories), ftruncate,
 * ftruncate64, rename, renameat, renameat2, unlink, unlinkat. Not modelled: a file
 * created and never made durable by a directory fsync stays (only its content is
 * undone); unlinks are durable at once.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

static const char *root;
static size_t root_len;
static long crash_at;
static int loss;
/* Undo data is kept whenever a crash is asked for, to tell whether it mattered. */
static int track;
static const char *count_file;
static long counted;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int inside;

typedef ssize_t (*write_t)(int, const void *, size_t);
typedef ssize_t (*pwrite_t)(int, const void *, size_t, off_t);
typedef ssize_t (*writev_t)(int, const struct iovec *, int);
typedef ssize_t (*pwritev_t)(int, const struct iovec *, int, off_t);
typedef int (*fd_t)(int);
typedef int (*sfr_t)(int, off64_t, off64_t, unsigned int);
typedef int (*trunc_t)(int, off_t);
typedef int (*rename_t)(const char *, const char *);
typedef int (*renameat_t)(int, const char *, int, const char *);
typedef int (*renameat2_t)(int, const char *, int, const char *, unsigned int);
typedef int (*unlink_t)(const char *);
typedef int (*unlinkat_t)(int, const char *, int);

#define REAL(name, type) ((type)dlsym(RTLD_NEXT, #name))

/* ---- undo data (loss mode) ---------------------------------------------------- */

struct undo {
    dev_t dev;
    ino_t ino;
    char path[PATH_MAX];
    off_t off;
    size_t len;      /* bytes of `old` (what lay there before) */
    off_t old_size;  /* the file's size before the write */
    unsigned char *old;
    int live;
};
static struct undo *undos;
static size_t n_undos, cap_undos;

struct moved {
    char from[PATH_MAX], to[PATH_MAX];
    int replaced;
    int live;
};
static struct moved *moves;
static size_t n_moves, cap_moves;

/* The end of the data sync_file_range made durable, per file: never truncated off. */
struct synced { dev_t dev; ino_t ino; off_t high; };
static struct synced *synceds;
static size_t n_synceds, cap_synceds;

static void *grow(void *p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return p;
    *cap = *cap ? *cap * 2 : 64;
    if (*cap < need) *cap = need;
    void *q = realloc(p, *cap * size);
    if (!q) _exit(78);
    return q;
}

static int fd_path(int fd, char *out) {
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, out, PATH_MAX - 1);
    if (n < 0) return -1;
    out[n] = 0;
    return 0;
}

static int under_root(const char *path) {
    return root && strncmp(path, root, root_len) == 0 && (path[root_len] == '/' || path[root_len] == 0);
}

/* An absolute form of `path` relative to `dirfd` (enough for the paths shine uses). */
static void absolute(int dirfd, const char *path, char *out) {
    if (path[0] == '/') {
        snprintf(out, PATH_MAX, "%s", path);
        return;
    }
    char base[PATH_MAX];
    if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof base)) base[0] = 0;
    } else if (fd_path(dirfd, base) < 0) {
        base[0] = 0;
    }
    snprintf(out, PATH_MAX, "%s/%s", base, path);
}

static void parent_of(const char *path, char *out) {
    snprintf(out, PATH_MAX, "%s", path);
    char *slash = strrchr(out, '/');
    if (slash && slash != out) *slash = 0;
}

/* Keep what lies in [off, off+len) of `fd` and its size, to undo a write there. */
static void remember_write(int fd, off_t off, size_t len) {
    struct stat st;
    if (fstat(fd, &st) < 0) return;
    char path[PATH_MAX];
    if (fd_path(fd, path) < 0) return;
    undos = grow(undos, &cap_undos, n_undos + 1, sizeof *undos);
    struct undo *u = &undos[n_undos++];
    memset(u, 0, sizeof *u);
    u->dev = st.st_dev;
    u->ino = st.st_ino;
    snprintf(u->path, PATH_MAX, "%s", path);
    u->off = off;
    u->old_size = st.st_size;
    u->live = 1;
    if (off < st.st_size) {
        size_t have = (size_t)(st.st_size - off);
        u->len = have < len ? have : len;
        u->old = malloc(u->len ? u->len : 1);
        if (!u->old) _exit(78);
        char self[64];
        snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
        int r = open(self, O_RDONLY);
        ssize_t got = r >= 0 ? pread(r, u->old, u->len, off) : -1;
        if (r >= 0) close(r);
        u->len = got > 0 ? (size_t)got : 0;
    }
}

static void forget_file(dev_t dev, ino_t ino, off_t from, off_t to) {
    for (size_t i = 0; i < n_undos; i++) {
        struct undo *u = &undos[i];
        if (!u->live || u->dev != dev || u->ino != ino) continue;
        off_t end = u->off + (off_t)(u->len > 0 ? u->len : 1);
        if (to < 0 || (u->off >= from && end <= to)) u->live = 0;
    }
}

static void synced_high(dev_t dev, ino_t ino, off_t high) {
    for (size_t i = 0; i < n_synceds; i++)
        if (synceds[i].dev == dev && synceds[i].ino == ino) {
            if (high > synceds[i].high) synceds[i].high = high;
            return;
        }
    synceds = grow(synceds, &cap_synceds, n_synceds + 1, sizeof *synceds);
    synceds[n_synceds++] = (struct synced){dev, ino, high};
}

static off_t synced_end(dev_t dev, ino_t ino) {
    for (size_t i = 0; i < n_synceds; i++)
        if (synceds[i].dev == dev && synceds[i].ino == ino) return synceds[i].high;
    return 0;
}

/* A rename moves the undo data's paths with it. */
static void moved_paths(const char *from, const char *to) {
    size_t n = strlen(from);
    for (size_t i = 0; i < n_undos; i++) {
        struct undo *u = &undos[i];
        if (strncmp(u->path, from, n) == 0 && (u->path[n] == 0 || u->path[n] == '/')) {
            char rest[PATH_MAX];
            snprintf(rest, sizeof rest, "%s", u->path + n);
            snprintf(u->path, PATH_MAX, "%s%s", to, rest);
        }
    }
}

static void lose_unsynced(void) {
    pwrite_t real_pwrite = REAL(pwrite, pwrite_t);
    trunc_t real_ftruncate = REAL(ftruncate, trunc_t);
    rename_t real_rename = REAL(rename, rename_t);
    for (size_t i = n_undos; i-- > 0;) {
        struct undo *u = &undos[i];
        if (!u->live) continue;
        int fd = open(u->path, O_WRONLY);
        if (fd < 0) continue;
        struct stat st;
        if (fstat(fd, &st) == 0 && st.st_dev == u->dev && st.st_ino == u->ino) {
            if (u->len) real_pwrite(fd, u->old, u->len, u->off);
            off_t keep = synced_end(u->dev, u->ino);
            real_ftruncate(fd, u->old_size > keep ? u->old_size : keep);
        }
        close(fd);
    }
    for (size_t i = n_moves; i-- > 0;) {
        struct moved *m = &moves[i];
        if (m->live && !m->replaced) real_rename(m->to, m->from);
    }
}

/* ---- counting ----------------------------------------------------------------- */

static void init(void) {
    static int done;
    if (done) return;
    done = 1;
    root = getenv("SHINE_FAULT_ROOT");
    root_len = root ? strlen(root) : 0;
    const char *at = getenv("SHINE_FAULT_AT");
    crash_at = at ? atol(at) : 0;
    const char *l = getenv("SHINE_FAULT_LOSS");
    loss = l && l[0] == '1';
    track = crash_at > 0;
    count_file = getenv("SHINE_FAULT_COUNT");
}

__attribute__((destructor)) static void report(void) {
    if (!count_file) return;
    inside = 1;
    FILE *f = fopen(count_file, "w");
    if (f) {
        fprintf(f, "%ld\n", counted);
        fclose(f);
    }
}

/* One counted call: crash instead of it when its turn has come. Called with `lock`. */
static int anything_to_lose(void) {
    for (size_t i = 0; i < n_undos; i++)
        if (undos[i].live) return 1;
    for (size_t i = 0; i < n_moves; i++)
        if (moves[i].live && !moves[i].replaced) return 1;
    return 0;
}

static void tick(void) {
    counted++;
    if (crash_at > 0 && counted == crash_at) {
        inside = 1;
        int pending = anything_to_lose();
        if (loss) lose_unsynced();
        _exit(pending ? 76 : 77);
    }
}

/* Whether a call on `fd` counts: a regular file (or, for syncs, a directory) under
 * the root. */
static int counts_fd(int fd, int dirs_too) {
    init();
    if (inside || !root) return 0;
    struct stat st;
    if (fstat(fd, &st) < 0) return 0;
    if (!S_ISREG(st.st_mode) && !(dirs_too && S_ISDIR(st.st_mode))) return 0;
    char path[PATH_MAX];
    return fd_path(fd, path) == 0 && under_root(path);
}

static void before_write(int fd, off_t off, size_t len) {
    inside = 1;
    pthread_mutex_lock(&lock);
    tick();
    if (track) {
        if (off < 0) {
            int fl = fcntl(fd, F_GETFL);
            struct stat st;
            if ((fl & O_APPEND) && fstat(fd, &st) == 0) off = st.st_size;
            else off = lseek(fd, 0, SEEK_CUR);
        }
        remember_write(fd, off, len);
    }
    pthread_mutex_unlock(&lock);
    inside = 0;
}

static size_t iov_len(const struct iovec *iov, int n) {
    size_t t = 0;
    for (int i = 0; i < n; i++) t += iov[i].iov_len;
    return t;
}

ssize_t write(int fd, const void *buf, size_t n) {
    if (counts_fd(fd, 0)) before_write(fd, -1, n);
    return REAL(write, write_t)(fd, buf, n);
}
ssize_t pwrite(int fd, const void *buf, size_t n, off_t off) {
    if (counts_fd(fd, 0)) before_write(fd, off, n);
    return REAL(pwrite, pwrite_t)(fd, buf, n, off);
}
ssize_t pwrite64(int fd, const void *buf, size_t n, off_t off) {
    if (counts_fd(fd, 0)) before_write(fd, off, n);
    return REAL(pwrite64, pwrite_t)(fd, buf, n, off);
}
ssize_t writev(int fd, const struct iovec *iov, int cnt) {
    if (counts_fd(fd, 0)) before_write(fd, -1, iov_len(iov, cnt));
    return REAL(writev, writev_t)(fd, iov, cnt);
}
ssize_t pwritev(int fd, const struct iovec *iov, int cnt, off_t off) {
    if (counts_fd(fd, 0)) before_write(fd, off, iov_len(iov, cnt));
    return REAL(pwritev, pwritev_t)(fd, iov, cnt, off);
}
ssize_t pwritev64(int fd, const struct iovec *iov, int cnt, off_t off) {
    if (counts_fd(fd, 0)) before_write(fd, off, iov_len(iov, cnt));
    return REAL(pwritev64, pwritev_t)(fd, iov, cnt, off);
}

static int truncated(int fd, off_t len, const char *name) {
    if (counts_fd(fd, 0)) before_write(fd, len, 0);
    return ((trunc_t)dlsym(RTLD_NEXT, name))(fd, len);
}
int ftruncate(int fd, off_t len) { return truncated(fd, len, "ftruncate"); }
int ftruncate64(int fd, off_t len) { return truncated(fd, len, "ftruncate64"); }

/* A sync: counted, and (after it succeeded) what it made durable is no longer undone. */
static int synced(int fd, const char *name) {
    int c = counts_fd(fd, 1);
    if (c) {
        inside = 1;
        pthread_mutex_lock(&lock);
        tick();
        pthread_mutex_unlock(&lock);
        inside = 0;
    }
    int r = ((fd_t)dlsym(RTLD_NEXT, name))(fd);
    if (c && r == 0 && track) {
        inside = 1;
        pthread_mutex_lock(&lock);
        struct stat st;
        char path[PATH_MAX];
        if (fstat(fd, &st) == 0) {
            if (S_ISDIR(st.st_mode)) {
                if (fd_path(fd, path) == 0)
                    for (size_t i = 0; i < n_moves; i++) {
                        char p[PATH_MAX];
                        parent_of(moves[i].to, p);
                        if (strcmp(p, path) == 0) moves[i].live = 0;
                    }
            } else {
                forget_file(st.st_dev, st.st_ino, 0, -1);
            }
        }
        pthread_mutex_unlock(&lock);
        inside = 0;
    }
    return r;
}
int fsync(int fd) { return synced(fd, "fsync"); }
int fdatasync(int fd) { return synced(fd, "fdatasync"); }

int sync_file_range(int fd, off64_t off, off64_t n, unsigned int flags) {
    int c = counts_fd(fd, 0);
    if (c) {
        inside = 1;
        pthread_mutex_lock(&lock);
        tick();
        pthread_mutex_unlock(&lock);
        inside = 0;
    }
    int r = REAL(sync_file_range, sfr_t)(fd, off, n, flags);
    if (c && r == 0 && track && (flags & SYNC_FILE_RANGE_WAIT_AFTER)) {
        inside = 1;
        pthread_mutex_lock(&lock);
        struct stat st;
        if (fstat(fd, &st) == 0) {
            off_t end = n == 0 ? st.st_size : off + n;
            forget_file(st.st_dev, st.st_ino, off, end);
            synced_high(st.st_dev, st.st_ino, end);
        }
        pthread_mutex_unlock(&lock);
        inside = 0;
    }
    return r;
}

/* ---- names -------------------------------------------------------------------- */

/* Count a change of names under the root; returns whether it counted. */
static int counts_path(int dirfd, const char *path, char *abs) {
    init();
    if (inside || !root) return 0;
    absolute(dirfd, path, abs);
    return under_root(abs);
}

static int renamed(int olddirfd, const char *from, int newdirfd, const char *to, unsigned int flags, int how) {
    char a[PATH_MAX], b[PATH_MAX];
    int c = counts_path(olddirfd, from, a);
    if (c) absolute(newdirfd, to, b);
    int replaced = 0;
    if (c) {
        inside = 1;
        pthread_mutex_lock(&lock);
        tick();
        struct stat st;
        replaced = stat(b, &st) == 0 && !S_ISDIR(st.st_mode);
    }
    int r;
    if (how == 0) r = REAL(rename, rename_t)(from, to);
    else if (how == 1) r = REAL(renameat, renameat_t)(olddirfd, from, newdirfd, to);
    else r = REAL(renameat2, renameat2_t)(olddirfd, from, newdirfd, to, flags);
    if (c) {
        if (r == 0) {
            moved_paths(a, b);
            if (track) {
                moves = grow(moves, &cap_moves, n_moves + 1, sizeof *moves);
                struct moved *m = &moves[n_moves++];
                snprintf(m->from, PATH_MAX, "%s", a);
                snprintf(m->to, PATH_MAX, "%s", b);
                m->replaced = replaced;
                m->live = 1;
            }
        }
        pthread_mutex_unlock(&lock);
        inside = 0;
    }
    return r;
}
int rename(const char *from, const char *to) { return renamed(AT_FDCWD, from, AT_FDCWD, to, 0, 0); }
int renameat(int od, const char *from, int nd, const char *to) { return renamed(od, from, nd, to, 0, 1); }
int renameat2(int od, const char *from, int nd, const char *to, unsigned int flags) {
    return renamed(od, from, nd, to, flags, 2);
}

static void count_name(int dirfd, const char *path) {
    char a[PATH_MAX];
    if (!counts_path(dirfd, path, a)) return;
    inside = 1;
    pthread_mutex_lock(&lock);
    tick();
    pthread_mutex_unlock(&lock);
    inside = 0;
}
int unlink(const char *path) {
    count_name(AT_FDCWD, path);
    return REAL(unlink, unlink_t)(path);
}
int unlinkat(int dirfd, const char *path, int flags) {
    count_name(dirfd, path);
    return REAL(unlinkat, unlinkat_t)(dirfd, path, flags);
}

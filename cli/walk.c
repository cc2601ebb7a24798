/*
 * walk.c — the input paths of `ingest` and `extract`: each command-line
 * path ("-", a file, or a folder walked depth-first in name order, so
 * that runs are reproducible) handed to the caller as an open descriptor
 * and its size, for cdx_corpus_read_fd().
 *
 * A file costs four system calls (open, fstat, read, close): folders are
 * walked by descriptor, entries opened with openat() relative to their
 * folder (the kernel resolves one name, not the whole path), their type
 * taken from readdir() (a stat() only for links and for file systems
 * that give no type), and a command-line path is opened before it is
 * fstat()ed, a folder's descriptor becoming its walk's. A stat() by path
 * and an fstat() of each file, then a read() to see it end, cost a BBC
 * ingest 4,493 stat and 4,497 read calls for 2,225 files (now 2,261 and
 * 2,270). Hidden entries (.git, editor files) are skipped, and so are
 * pipes, sockets and devices found in folders; links are followed.
 *
 * A regular file's fstat() also goes to the caller's seen() before the
 * file is read: ingest skips a file its index stamped unchanged
 * (stamp.c), at three system calls (open, fstat, close); when most files
 * are likely unchanged (w->stat_first: the index holds stamps), a file
 * in a folder is stat()ed first and opened only when it is to be read,
 * so a skipped one costs one call (a read one, five).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

/* Folders deeper than this below an input are reported and skipped: a
 * link to a folder above ends here. */
#define WALK_DEPTH_MAX 64

/* A folder entry: its name and its type as readdir() gave it. */
struct entry {
	char *name;
	unsigned char type; /* DT_REG, DT_DIR, ...; DT_UNKNOWN: ask */
};

/* "@p what '@p path': reason", unless counting. */
static void reject(const struct walk *w, const char *what, const char *path,
                   int e)
{
	char msg[CDX_ERROR_MSG_MAX];

	if (w->counting)
		return;
	snprintf(msg, sizeof msg, "%s '%s': %s", what, path, strerror(e));
	w->reject(w->ctx, msg);
}

/* Hand the file open on @p fd (fstat()ed into @p st) over, unless the
 * caller, not asked yet (@p asked 0), knows it unchanged (w->seen); then
 * close it. */
static void give_open(const struct walk *w, const char *path, int fd,
                      const struct stat *st, int asked)
{
	if (!asked && S_ISREG(st->st_mode) && w->seen &&
	    w->seen(w->ctx, path, st)) {
		close(fd);
		return;
	}
	w->file(w->ctx, path, fd, S_ISREG(st->st_mode) ? (uint64_t)st->st_size
	                                               : CDX_READ_SIZE_UNKNOWN);
	close(fd);
}

static int cmp_entries(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name,
	              ((const struct entry *)b)->name);
}

/* Entries of the open folder @p d but hidden ones, sorted by name. */
static struct entry *list_dir(DIR *d, size_t *n_out)
{
	struct dirent *e;
	struct entry *v = NULL;
	size_t n = 0, cap = 0;

	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			struct entry *p = realloc(v, ncap * sizeof *v);
			if (p == NULL)
				break;
			v = p;
			cap = ncap;
		}
		v[n].name = strdup(e->d_name);
		v[n].type = e->d_type;
		if (v[n].name)
			n++;
	}
	if (n)
		qsort(v, n, sizeof *v, cmp_entries);
	*n_out = n;
	return v;
}

static void walk_dir(const struct walk *w, DIR *d, const char *dir,
                     int depth);

/* Open folder @p name of the folder open on @p dfd (AT_FDCWD: @p name
 * is @p path) and walk it; one that cannot be opened, or lies more than
 * WALK_DEPTH_MAX folders deep, is reported. */
static void walk_at(const struct walk *w, int dfd, const char *name,
                    const char *path, int depth)
{
	char msg[CDX_ERROR_MSG_MAX];
	DIR *d = NULL;
	int fd;

	if (depth > WALK_DEPTH_MAX) {
		if (!w->counting) {
			snprintf(msg, sizeof msg,
			         "%s: folders nested too deep; skipped", path);
			w->reject(w->ctx, msg);
		}
		return;
	}
	fd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0)
		d = fdopendir(fd);
	if (d == NULL) {
		reject(w, "cannot open folder", path, errno);
		if (fd >= 0)
			close(fd);
		return;
	}
	walk_dir(w, d, path, depth);
	closedir(d);
}

/* Entry @p e of the folder open on @p dfd, at @p path: a folder is
 * walked, a regular file given (counting: its size, from a stat()); the
 * rest is skipped. */
static void walk_entry(const struct walk *w, int dfd, const struct entry *e,
                       const char *path, int depth)
{
	unsigned char type = e->type;
	struct stat st;
	int fd, asked = 0;

	if (type == DT_UNKNOWN || type == DT_LNK || w->counting ||
	    (type == DT_REG && w->seen && w->stat_first)) {
		if (fstatat(dfd, e->name, &st, 0) != 0) {
			reject(w, "cannot read", path, errno);
			return;
		}
		type = S_ISDIR(st.st_mode) ? DT_DIR
		       : S_ISREG(st.st_mode) ? DT_REG : DT_UNKNOWN;
		/* asked before the open: a file skipped costs one call */
		if (type == DT_REG && !w->counting && w->seen && w->stat_first) {
			if (w->seen(w->ctx, path, &st))
				return;
			asked = 1;
		}
	}
	if (type == DT_DIR) {
		walk_at(w, dfd, e->name, path, depth + 1);
	} else if (type != DT_REG) {
		return;
	} else if (w->counting) {
		w->file(w->ctx, path, -1, (uint64_t)st.st_size);
	} else if ((fd = openat(dfd, e->name, O_RDONLY | O_CLOEXEC)) < 0 ||
	           fstat(fd, &st) != 0) {
		if (fd >= 0)
			close(fd);
		w->file(w->ctx, path, -1, CDX_READ_SIZE_UNKNOWN); /* says why */
	} else {
		give_open(w, path, fd, &st, asked);
	}
}

/* Depth-first over the open folder @p d (at @p dir, @p depth folders
 * below the input), entries in name order. */
static void walk_dir(const struct walk *w, DIR *d, const char *dir,
                     int depth)
{
	struct entry *v;
	size_t n, dlen = strlen(dir);
	int sep = dlen > 0 && dir[dlen - 1] != '/';

	v = list_dir(d, &n);
	for (size_t i = 0; i < n; i++) {
		size_t nlen = strlen(v[i].name);
		char *path;

		if (w->stop(w->ctx))
			break;
		path = malloc(dlen + (size_t)sep + nlen + 1);
		if (path == NULL)
			break;
		/* not snprintf(): 1,000 instructions a file */
		memcpy(path, dir, dlen);
		if (sep)
			path[dlen] = '/';
		memcpy(path + dlen + (size_t)sep, v[i].name, nlen + 1);
		walk_entry(w, dirfd(d), &v[i], path, depth);
		free(path);
	}
	for (size_t i = 0; i < n; i++)
		free(v[i].name);
	free(v);
}

/* Counting: the size of a command-line path, or its folder's files. */
static void count_path(const struct walk *w, const char *path)
{
	struct stat st;
	int is_stdin = strcmp(path, "-") == 0;

	if (is_stdin ? fstat(STDIN_FILENO, &st) != 0 : stat(path, &st) != 0)
		return;
	if (!is_stdin && S_ISDIR(st.st_mode))
		walk_at(w, AT_FDCWD, path, path, 0);
	else if (S_ISREG(st.st_mode)) /* a pipe's size is unknown */
		w->file(w->ctx, path, -1, (uint64_t)st.st_size);
}

void walk_path(const struct walk *w, const char *path)
{
	struct stat st;
	int fd;

	if (w->counting) {
		count_path(w, path);
		return;
	}
	if (strcmp(path, "-") == 0) {
		w->file(w->ctx, path, STDIN_FILENO,
		        fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode)
		                ? (uint64_t)st.st_size
		                : CDX_READ_SIZE_UNKNOWN);
		return;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		/* a folder it may not open still says so as a folder */
		if (fd >= 0)
			close(fd);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			walk_at(w, AT_FDCWD, path, path, 0);
		else
			w->file(w->ctx, path, -1, CDX_READ_SIZE_UNKNOWN);
		return;
	}
	if (S_ISDIR(st.st_mode)) {
		DIR *d = fdopendir(fd);

		if (d == NULL) {
			close(fd);
			walk_at(w, AT_FDCWD, path, path, 0);
			return;
		}
		walk_dir(w, d, path, 0);
		closedir(d);
		return;
	}
	give_open(w, path, fd, &st, 0);
}

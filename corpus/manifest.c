/*
 * manifest.c — a collection's metadata list (manifest.h): read once into
 * rows sorted by canonical path and by URL, then looked up per document
 * by the reader's callback.
 *
 * Paths are compared after realpath(): the manifest says "news/a.txt"
 * relative to itself, the user ingests "../corpus/news" relative to the
 * working folder, and only the canonical paths agree. A collection's
 * items share their file's path, so the last resolved path is kept: a
 * Reuters file's thousand items cost one realpath().
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cdx_csv.h"
#include "corpus_int.h"
#include "manifest.h"

/* Columns a row may give. */
enum col { COL_FILE, COL_DATE, COL_TITLE, COL_URL, N_COLS };

/* Header names of each column, lowercase. */
static const char *const col_names[N_COLS][3] = {
	[COL_FILE] = {"file", "path", "source"},
	[COL_DATE] = {"date", "published", NULL},
	[COL_TITLE] = {"title", NULL, NULL},
	[COL_URL] = {"url", "link", NULL},
};

/* Fields read from one record at most; the rest are ignored. */
#define MAX_FIELDS 64

struct row {
	char *key;   /* canonical path (with "#item"), or NULL */
	char *url;   /* or NULL */
	char *date;  /* normalised, or NULL */
	char *title; /* or NULL */
	unsigned line;
};

struct cdx_manifest {
	struct row *rows;
	size_t n, cap;
	struct row **by_key, **by_url; /* sorted views of rows */
	size_t n_key, n_url;
	char *dir;                     /* the manifest's folder */
	/* the last source path resolved (see the file comment) */
	char *last_path, *last_real;
	char *key; /* the key of the source looked up last */
	size_t key_cap;
};

static char *trimmed_dup(const char *s)
{
	size_t n = strlen(s);

	while (n > 0 && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return n ? strndup(s, n) : NULL;
}

static int is_url(const char *s)
{
	return strncasecmp(s, "http://", 7) == 0 ||
	       strncasecmp(s, "https://", 8) == 0;
}

static int cmp_key(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a;
	const struct row *y = *(struct row *const *)b;
	int c = strcmp(x->key, y->key);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int cmp_url(const void *a, const void *b)
{
	const struct row *x = *(struct row *const *)a;
	const struct row *y = *(struct row *const *)b;
	int c = strcmp(x->url, y->url);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* The column each field of the header line gives (-1: none). */
static int header_cols(char **f, int nf, int *cols, int *have)
{
	for (int c = 0; c < N_COLS; c++)
		have[c] = 0;
	for (int i = 0; i < MAX_FIELDS; i++)
		cols[i] = -1;
	for (int i = 0; i < nf && i < MAX_FIELDS; i++) {
		for (int c = 0; c < N_COLS && cols[i] < 0; c++)
			for (int k = 0; k < 3 && col_names[c][k]; k++)
				if (strcasecmp(f[i], col_names[c][k]) == 0 &&
				    !have[c]) {
					cols[i] = c;
					have[c] = 1;
					break;
				}
	}
	return have[COL_FILE] || have[COL_URL];
}

static void warn_row(cdx_warn_fn warn, void *ctx, const char *name,
                     unsigned line, const char *what, const char *value)
{
	char msg[512];

	if (warn == NULL)
		return;
	if (value)
		snprintf(msg, sizeof msg, "%s:%u: %s '%.200s'", name, line,
		         what, value);
	else
		snprintf(msg, sizeof msg, "%s:%u: %s", name, line, what);
	warn(ctx, msg);
}

static void row_release(struct row *r)
{
	free(r->key);
	free(r->url);
	free(r->date);
	free(r->title);
}

static const char *resolve(struct cdx_manifest *m, const char *src,
                           size_t n);

/* The key of a manifest row's file, relative to the manifest's folder:
 * resolved as a document's source is (resolve()), so both agree. */
static char *row_key(struct cdx_manifest *m, const char *file)
{
	const char *key;
	char *joined;
	size_t n;

	if (file[0] == '/') {
		key = resolve(m, file, strlen(file));
		return key ? strdup(key) : NULL;
	}
	n = strlen(m->dir) + strlen(file) + 2;
	joined = malloc(n);
	if (joined == NULL)
		return NULL;
	snprintf(joined, n, "%s/%s", m->dir, file);
	key = resolve(m, joined, strlen(joined));
	free(joined);
	return key ? strdup(key) : NULL;
}

/* Turn the fields of line @p line into a row (or a warning). */
static int add_row(struct cdx_manifest *m, char **f, int nf,
                   const int *cols, unsigned line, const char *name,
                   cdx_warn_fn warn, void *ctx)
{
	struct row r = {NULL, NULL, NULL, NULL, line};
	char *v[N_COLS] = {NULL};
	int rc = CDX_OK;

	for (int i = 0; i < nf && i < MAX_FIELDS; i++)
		if (cols[i] >= 0 && v[cols[i]] == NULL) {
			v[cols[i]] = trimmed_dup(f[i]);
			if (v[cols[i]] == NULL &&
			    strspn(f[i], " \t") != strlen(f[i]))
				rc = CDX_ERR_NOMEM;
		}
	if (rc != CDX_OK)
		goto cleanup;
	if (v[COL_FILE] == NULL && v[COL_URL] == NULL) {
		/* a blank line says nothing; a row without a name does */
		for (int i = 0; i < nf && i < MAX_FIELDS; i++)
			if (f[i][0] != '\0') {
				warn_row(warn, ctx, name, line,
				         "no file name or URL, row skipped",
				         NULL);
				break;
			}
		goto cleanup;
	}
	if (v[COL_FILE]) {
		if (is_url(v[COL_FILE])) {
			if (v[COL_URL] == NULL) {
				v[COL_URL] = v[COL_FILE];
				v[COL_FILE] = NULL;
			}
		} else {
			r.key = row_key(m, v[COL_FILE]);
			if (r.key == NULL && v[COL_URL] == NULL) {
				warn_row(warn, ctx, name, line,
				         "no such file, row skipped",
				         v[COL_FILE]);
				goto cleanup;
			}
		}
	}
	if (v[COL_DATE]) {
		char d[11];

		if (corpus_date_norm(v[COL_DATE], strlen(v[COL_DATE]), d)) {
			r.date = strdup(d);
			if (r.date == NULL)
				rc = CDX_ERR_NOMEM;
		} else {
			warn_row(warn, ctx, name, line,
			         "not a date, the row is kept without it",
			         v[COL_DATE]);
		}
	}
	r.title = v[COL_TITLE];
	v[COL_TITLE] = NULL;
	r.url = v[COL_URL];
	v[COL_URL] = NULL;
	if (rc != CDX_OK)
		goto cleanup;
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 64;
		struct row *p = realloc(m->rows, cap * sizeof *p);

		if (p == NULL) {
			rc = CDX_ERR_NOMEM;
			goto cleanup;
		}
		m->rows = p;
		m->cap = cap;
	}
	m->rows[m->n++] = r;
	memset(&r, 0, sizeof r);
cleanup:
	row_release(&r);
	for (int c = 0; c < N_COLS; c++)
		free(v[c]);
	return rc;
}

/* Sort the views; a key or URL listed twice keeps its first row. */
static int build_views(struct cdx_manifest *m, const char *name,
                       cdx_warn_fn warn, void *ctx)
{
	size_t k = 0, u = 0;

	m->by_key = malloc((m->n ? m->n : 1) * sizeof *m->by_key);
	m->by_url = malloc((m->n ? m->n : 1) * sizeof *m->by_url);
	if (m->by_key == NULL || m->by_url == NULL)
		return CDX_ERR_NOMEM;
	for (size_t i = 0; i < m->n; i++) {
		if (m->rows[i].key)
			m->by_key[k++] = &m->rows[i];
		if (m->rows[i].url)
			m->by_url[u++] = &m->rows[i];
	}
	qsort(m->by_key, k, sizeof *m->by_key, cmp_key);
	qsort(m->by_url, u, sizeof *m->by_url, cmp_url);
	m->n_key = m->n_url = 0;
	for (size_t i = 0; i < k; i++) {
		if (m->n_key > 0 &&
		    strcmp(m->by_key[m->n_key - 1]->key, m->by_key[i]->key) ==
		            0) {
			warn_row(warn, ctx, name, m->by_key[i]->line,
			         "file listed before, this row is ignored",
			         m->by_key[i]->key);
			continue;
		}
		m->by_key[m->n_key++] = m->by_key[i];
	}
	for (size_t i = 0; i < u; i++) {
		if (m->n_url > 0 &&
		    strcmp(m->by_url[m->n_url - 1]->url, m->by_url[i]->url) ==
		            0)
			continue;
		m->by_url[m->n_url++] = m->by_url[i];
	}
	return CDX_OK;
}

int cdx_manifest_load(struct cdx_manifest **out, const char *path,
                      cdx_warn_fn warn, void *warn_ctx,
                      struct cdx_error *err)
{
	struct cdx_manifest *m = NULL;
	struct cdx_csv c;
	char *data = NULL, *f[MAX_FIELDS], *nl;
	int cols[MAX_FIELDS], have[N_COLS], nf;
	unsigned lines, at = 1;
	size_t len;
	int rc;

	*out = NULL;
	rc = cdx_file_read_all(path, CDX_MANIFEST_MAX_BYTES, &data, &len, err);
	if (rc != CDX_OK)
		goto cleanup;
	m = calloc(1, sizeof *m);
	if (m == NULL) {
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "'%s': out of memory",
		                   path);
		goto cleanup;
	}
	{
		char buf[PATH_MAX], *slash;

		if (realpath(path, buf) == NULL)
			snprintf(buf, sizeof buf, "%s", path);
		slash = strrchr(buf, '/');
		if (slash)
			*slash = '\0';
		m->dir = strdup(slash == buf ? "/" : slash ? buf : ".");
		if (m->dir == NULL) {
			rc = cdx_error_set(err, CDX_ERR_NOMEM,
			                   "'%s': out of memory", path);
			goto cleanup;
		}
	}
	/* a tab in the header line makes it TSV */
	nl = memchr(data, '\n', len);
	cdx_csv_init(&c, data, len,
	             memchr(data, '\t', nl ? (size_t)(nl - data) : len) ? '\t'
	                                                                : ',');
	nf = cdx_csv_record(&c, f, MAX_FIELDS, &lines);
	if (nf == 0 || !header_cols(f, nf, cols, have)) {
		rc = cdx_error_set(err, CDX_ERR_FORMAT,
		                   "%s:1: the header names no file column "
		                   "(file, path or source) and no url column",
		                   path);
		goto cleanup;
	}
	at += lines;
	while ((nf = cdx_csv_record(&c, f, MAX_FIELDS, &lines)) > 0) {
		if (c.unclosed) {
			rc = cdx_error_set(err, CDX_ERR_FORMAT,
			                   "%s:%u: a quoted field is not "
			                   "closed",
			                   path, at);
			goto cleanup;
		}
		rc = add_row(m, f, nf, cols, at, path, warn, warn_ctx);
		if (rc != CDX_OK) {
			rc = cdx_error_set(err, rc, "'%s': out of memory",
			                   path);
			goto cleanup;
		}
		at += lines;
	}
	rc = build_views(m, path, warn, warn_ctx);
	if (rc != CDX_OK) {
		rc = cdx_error_set(err, rc, "'%s': out of memory", path);
		goto cleanup;
	}
	*out = m;
	m = NULL;
cleanup:
	free(data);
	cdx_manifest_free(m);
	return rc;
}

static struct row *find(struct row **v, size_t n, int by_url,
                        const char *s)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(by_url ? v[mid]->url : v[mid]->key, s);

		if (c == 0)
			return v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* realpath() of the first @p n bytes of @p path through the one-entry
 * cache; NULL when it does not resolve or on no memory. */
static const char *cached_real(struct cdx_manifest *m, const char *path,
                               size_t n)
{
	char buf[PATH_MAX], *p;

	if (m->last_path && strlen(m->last_path) == n &&
	    memcmp(m->last_path, path, n) == 0)
		return m->last_real;
	p = strndup(path, n);
	if (p == NULL)
		return NULL;
	free(m->last_path);
	free(m->last_real);
	m->last_path = p;
	m->last_real = realpath(p, buf) ? strdup(buf) : NULL;
	return m->last_real;
}

/* The key of source @p src (its first @p n bytes): "file.sgm#12" is
 * the canonical path of file.sgm and "#12" when file.sgm exists (the
 * items of one file then cost one realpath), else the canonical path
 * of the whole. Points into m->key; NULL when nothing resolves. */
static const char *resolve(struct cdx_manifest *m, const char *src,
                           size_t n)
{
	const char *hash = NULL, *real;
	size_t k;

	for (size_t i = n; i-- > 1;)
		if (src[i] == '#') {
			hash = src + i;
			break;
		}
	if (hash && (real = cached_real(m, src, (size_t)(hash - src)))) {
		k = strlen(real);
	} else {
		real = cached_real(m, src, n);
		if (real == NULL)
			return NULL;
		k = strlen(real);
		hash = src + n;
	}
	if (m->key_cap < k + (size_t)(src + n - hash) + 1) {
		size_t cap = k + (size_t)(src + n - hash) + 64;
		char *p = realloc(m->key, cap);

		if (p == NULL)
			return NULL;
		m->key = p;
		m->key_cap = cap;
	}
	memcpy(m->key, real, k);
	memcpy(m->key + k, hash, (size_t)(src + n - hash));
	m->key[k + (size_t)(src + n - hash)] = '\0';
	return m->key;
}

/* The row of a source "path", "path#item", "path#partN" or
 * "path#item#partN": the item's row, else its collection file's. */
static struct row *row_of_source(struct cdx_manifest *m, const char *src,
                                 unsigned part)
{
	size_t n = strlen(src);
	const char *real, *hash;
	struct row *r;
	char *file;

	if (part > 0) { /* the part's name is no row's: drop "#partN" */
		const char *p = strrchr(src, '#');

		if (p && strncmp(p, "#part", 5) == 0)
			n = (size_t)(p - src);
	}
	real = resolve(m, src, n);
	if (real == NULL)
		return NULL;
	r = find(m->by_key, m->n_key, 0, real);
	hash = strrchr(real, '#');
	if (r || hash == NULL || hash == real)
		return r;
	file = strndup(real, (size_t)(hash - real));
	if (file == NULL)
		return NULL;
	r = find(m->by_key, m->n_key, 0, file);
	free(file);
	return r;
}

int cdx_manifest_apply(struct cdx_manifest *m, struct cdx_doc *doc)
{
	struct row *r = NULL;
	char *title = NULL;

	if (m == NULL || doc == NULL || doc->source == NULL)
		return 0;
	if (m->n_url && is_url(doc->source))
		r = find(m->by_url, m->n_url, 1, doc->source);
	if (r == NULL && m->n_key && !is_url(doc->source))
		r = row_of_source(m, doc->source, doc->part);
	if (r == NULL && m->n_url && doc->url)
		r = find(m->by_url, m->n_url, 1, doc->url);
	if (r == NULL)
		return 0;
	if (r->title) {
		size_t n = strlen(r->title) + 24;

		title = malloc(n);
		if (title == NULL)
			return CDX_ERR_NOMEM;
		if (doc->part > 0)
			snprintf(title, n, "%s (part %u)", r->title, doc->part);
		else
			snprintf(title, n, "%s", r->title);
	}
	/* all or nothing: copies first, then the swap */
	{
		char *date = r->date ? strdup(r->date) : NULL;
		char *url = r->url ? strdup(r->url) : NULL;

		if ((r->date && date == NULL) || (r->url && url == NULL)) {
			free(date);
			free(url);
			free(title);
			return CDX_ERR_NOMEM;
		}
		if (date) {
			free(doc->date);
			doc->date = date;
		}
		if (url) {
			free(doc->url);
			doc->url = url;
		}
		if (title) {
			free(doc->title);
			doc->title = title;
		}
	}
	return 1;
}

size_t cdx_manifest_rows(const struct cdx_manifest *m)
{
	return m ? m->n : 0;
}

void cdx_manifest_free(struct cdx_manifest *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++)
		row_release(&m->rows[i]);
	free(m->rows);
	free(m->by_key);
	free(m->by_url);
	free(m->dir);
	free(m->last_path);
	free(m->last_real);
	free(m->key);
	free(m);
}

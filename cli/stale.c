/*
 * stale.c — parts of a re-ingested file that its new version no longer
 * has. A text longer than 4 MiB is stored as parts "F#part1".."F#partN"
 * (corpus/part.c); when F is ingested again and now gives fewer parts, or
 * one document "F", or grew from one document into parts, the old
 * documents that no new one replaced would stay in the index and be
 * searched and audited as if the file still said so. The ingest command
 * notes, while reading, what each file gave (stale_note), and once every
 * batch is committed removes what is left over (stale_prune), each with
 * cdx_index_delete().
 *
 * Collections (an SGML or RSS file gives items with other sources) and
 * standard input are not noted: their items are not parts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

void stale_init(struct stale *s)
{
	memset(s, 0, sizeof *s);
}

void stale_release(struct stale *s)
{
	if (s == NULL)
		return;
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	memset(s, 0, sizeof *s);
}

int stale_doc_kind(const char *path, const char *source)
{
	size_t n = strlen(path);
	char *end;

	if (strcmp(source, path) == 0)
		return 0;
	if (strncmp(source, path, n) != 0 || strncmp(source + n, "#part", 5))
		return -1;
	if (strtoul(source + n + 5, &end, 10) == 0 || *end != '\0')
		return -1;
	return 1;
}

void stale_note(struct stale *s, const char *path, unsigned n_parts)
{
	char *copy;

	if (s->failed)
		return;
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 64;
		struct stale_file *v = realloc(s->v, cap * sizeof *v);

		if (v == NULL) {
			s->failed = 1;
			return;
		}
		s->v = v;
		s->cap = cap;
	}
	if ((copy = strdup(path)) == NULL) {
		s->failed = 1;
		return;
	}
	s->v[s->n].path = copy;
	s->v[s->n].n_parts = n_parts;
	s->n++;
}

/* Delete @p source when the index holds it: 1 deleted, 0 not there, -1
 * an index error (in @p err). Almost every file has nothing to prune, so
 * a read looks first (@p lk: a lookup handle, as a read transaction
 * begun per file cost 11 million instructions on BBC, 1 %):
 * cdx_index_delete() alone would open a write transaction (and sync) for
 * every file ingested. */
static int drop(struct cdx_index *ix, struct cdx_index_lookup *lk,
                const char *source, struct cdx_error *err)
{
	int rc = cdx_index_lookup_doc(lk, source, err);

	if (rc == CDX_ERR_NOTFOUND)
		return 0;
	if (rc != CDX_OK)
		return -1;
	rc = cdx_index_delete(ix, source, err);
	return rc == CDX_OK ? 1 : rc == CDX_ERR_NOTFOUND ? 0 : -1;
}

/* "@p path#part@p k" into @p src (@p cap bytes); 0 when it does not fit.
 * Not snprintf(): it cost a BBC ingest two million instructions. */
static int part_name(char *src, size_t cap, const char *path, unsigned k)
{
	char digits[12];
	size_t n = strlen(path), nd = 0;

	do
		digits[nd++] = (char)('0' + k % 10);
	while ((k /= 10) != 0);
	if (n + 5 + nd + 1 > cap)
		return 0;
	memcpy(src, path, n);
	memcpy(src + n, "#part", 5);
	n += 5;
	while (nd)
		src[n++] = digits[--nd];
	src[n] = '\0';
	return 1;
}

int stale_prune(struct stale *s, struct cdx_index *ix, unsigned long *pruned,
                struct cdx_error *err)
{
	struct cdx_index_lookup *lk = NULL;
	char src[4096];
	int got, rc = CDX_OK;

	*pruned = 0;
	if (s->n > 0 && (rc = cdx_index_lookup_new(&lk, ix, err)) != CDX_OK)
		return CDX_ERR_FAIL;
	for (size_t i = 0; rc == CDX_OK && i < s->n; i++) {
		const struct stale_file *f = &s->v[i];
		unsigned k = f->n_parts + 1;

		/* a file now in parts: its old single document */
		if (f->n_parts > 0) {
			if ((got = drop(ix, lk, f->path, err)) < 0) {
				rc = CDX_ERR_FAIL;
				break;
			}
			*pruned += (unsigned long)got;
		}
		/* parts past the new last one (all of them for a file that is
		 * one document now); parts are numbered without gaps */
		for (;; k++) {
			if (!part_name(src, sizeof src, f->path, k))
				break;
			if ((got = drop(ix, lk, src, err)) < 0)
				rc = CDX_ERR_FAIL;
			if (got <= 0)
				break;
			++*pruned;
		}
	}
	cdx_index_lookup_free(lk);
	return rc;
}

/*
 * metrics.c — the metric map (metrics.tsv of the reference folder): which
 * reference metrics a claim's metric phrase is compared with. Knowledge as
 * data: a new reference table with new metrics needs a new line, not code.
 * Also where the reference folder is found.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_int.h"

#define MAP_LINE_MAX 512

const char *cdx_audit_reference_dir(const char *dir)
{
	const char *env;

	if (dir && dir[0])
		return dir;
	env = getenv("CLAIMDEX_REFERENCE");
	if (env && env[0])
		return env;
	return CDX_REFERENCE_DIR;
}

void audit_map_release(struct audit_map *m)
{
	if (m == NULL)
		return;
	free(m->v);
	memset(m, 0, sizeof *m);
}

static int copy_field(char *dst, const char *src, size_t n)
{
	if (n == 0 || n >= AUDIT_METRIC_MAX)
		return -1;
	memcpy(dst, src, n);
	dst[n] = '\0';
	return 0;
}

/* Parse one non-comment line into @p e. @return 0 or -1 when malformed. */
static int parse_line(char *line, struct audit_map_entry *e)
{
	char *t1 = strchr(line, '\t'), *t2, *p;

	memset(e, 0, sizeof *e);
	if (t1 == NULL || (t2 = strchr(t1 + 1, '\t')) == NULL)
		return -1;
	*t1 = '\0';
	if (cdx_kind_parse(line, &e->kind) != CDX_OK)
		return -1;
	if (copy_field(e->metric, t1 + 1, (size_t)(t2 - t1 - 1)) != 0)
		return -1;
	p = t2 + 1;
	while (*p) {
		size_t n = strcspn(p, "|");

		if (e->n_refs == AUDIT_MAP_ALTS ||
		    copy_field(e->refs[e->n_refs], p, n) != 0)
			return -1;
		if (strcmp(e->refs[e->n_refs], "-") != 0)
			e->n_refs++;
		p += n;
		if (*p == '|')
			p++;
	}
	return 0;
}

int audit_map_load(struct audit_map *m, const char *dir,
                   struct cdx_error *err)
{
	char path[4096], line[MAP_LINE_MAX];
	size_t cap = 0;
	unsigned lineno = 0;
	FILE *f;
	int rc = CDX_OK;

	memset(m, 0, sizeof *m);
	snprintf(path, sizeof path, "%s/metrics.tsv",
	         cdx_audit_reference_dir(dir));
	f = fopen(path, "r");
	if (f == NULL)
		return cdx_error_set(err, CDX_ERR_IO, "cannot open '%s': %s",
		                     path, strerror(errno));
	while (fgets(line, sizeof line, f)) {
		size_t n = strlen(line);

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (m->n == cap) {
			size_t ncap = cap ? cap * 2 : 32;
			struct audit_map_entry *v =
				realloc(m->v, ncap * sizeof *v);

			if (v == NULL) {
				rc = cdx_error_set(err, CDX_ERR_NOMEM,
				                   "out of memory");
				break;
			}
			m->v = v;
			cap = ncap;
		}
		if (parse_line(line, &m->v[m->n]) != 0) {
			rc = cdx_error_set(err, CDX_ERR_FORMAT,
			                   "%s:%u: expected kind, metric and "
			                   "reference metrics separated by tabs",
			                   path, lineno);
			break;
		}
		m->n++;
	}
	fclose(f);
	if (rc != CDX_OK)
		audit_map_release(m);
	return rc;
}

const struct audit_map_entry *audit_map_find(const struct audit_map *m,
                                             enum cdx_claim_kind kind,
                                             const char *metric)
{
	if (metric == NULL)
		return NULL;
	if (strncmp(metric, "world ", 6) == 0)
		metric += 6;
	for (size_t i = 0; i < m->n; i++)
		if (m->v[i].kind == kind && audit_same(m->v[i].metric, metric))
			return &m->v[i];
	return NULL;
}

const char *audit_subject(const struct cdx_claim *c)
{
	if (c->subject)
		return c->subject;
	return c->metric && strncmp(c->metric, "world ", 6) == 0 ? "World" :
	                                                         NULL;
}

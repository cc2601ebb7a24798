/*
 * gazetteer.c — entities (countries, organisations, companies, commodities,
 * people, places) and every name they go by, from data/entities.tsv.
 *
 * Names live in a byte trie over their folded form (ASCII lower case, any
 * run of white space as one space), so finding mentions is one walk from
 * each token start, longest match first, with no regex and no allocation.
 * Each name keeps a case rule, checked against the text only once the trie
 * has matched: a name with no lower-case letter (US, EU, DRC) must appear
 * in that exact case, so "us" is never the United States; any other proper
 * name needs its capitals to be capitals in the text ("China", not the
 * porcelain); commodities match in any case.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "extract_int.h"

enum case_rule {
	RULE_EXACT = 0, /* every letter as written */
	RULE_CAPS,      /* the name's capitals are capitals in the text */
	RULE_ANY,       /* case-insensitive */
};

struct gz_entity {
	char *name;
	enum cdx_entity_type type;
	uint32_t actor;  /* entity it acts for (itself by default) */
	char *acts_for;  /* the name the data gives, until resolved */
	unsigned line;   /* its line in entities.tsv, for messages */
};

struct gz_alias {
	char *text;      /* as written in the data file */
	uint32_t entity;
	uint32_t next;   /* next alias ending at the same node, +1; 0 = none */
	enum case_rule rule;
};

/* Children of a node form a singly linked list: the gazetteer has a few
 * thousand names, so a short list walk beats a 256-wide table in memory
 * and costs little at each step. */
struct gz_node {
	uint32_t child;  /* first child, 0 = none (node 0 is the root) */
	uint32_t sibling;
	uint32_t alias;  /* first alias ending here, +1; 0 = none */
	unsigned char byte;
};

/* Size of the leading-word filters (bits, a power of two). */
#define FIRST_BITS 65536u

struct gz_edge {
	uint32_t key;
	uint32_t child;
};

struct gazetteer {
	struct gz_entity *ents;
	size_t n_ents, cap_ents;
	struct gz_alias *aliases;
	size_t n_aliases, cap_aliases;
	struct gz_node *nodes;
	size_t n_nodes, cap_nodes;
	uint32_t root[256]; /* children of the root by byte: the widest node,
	                       visited at every word of every text */
	/* Every edge of the trie in one open-addressing hash table, built
	 * once loaded, so a step of a match is one probe, not a walk along a
	 * list of children: key (node << 8 | byte) + 1 (0 = empty slot). */
	struct gz_edge *edges;
	uint32_t edge_mask; /* slots - 1; slots a power of two, >= 2x edges */
	/* bit (a << 8 | b): some name starts with the folded bytes a, b; one
	 * test that rejects most words of a text before any trie walk.
	 * pairs_low holds only the names that may match a word starting in
	 * lower case (commodities, "the Pentagon"): most words of prose. */
	uint8_t pairs[8192];
	uint8_t pairs_low[8192];
	/* bit h: some name's leading word (its first run of ASCII letters
	 * and digits) has key bit h (wk_key(), first_bit()); first_low
	 * likewise for the names that may match a word starting in lower
	 * case (scan.c reads both through extract_gz_filter()). A
	 * word of the text must be such a leading word for a name to start
	 * there, so the scan tests one bit per word and walks the trie for
	 * few of them. A name starting with any other byte sets sym. */
	uint64_t first[FIRST_BITS / 64];
	uint64_t first_low[FIRST_BITS / 64];
	uint8_t sym[256];
	/* bit lead_any[key bit]: some name is its leading word alone or goes
	 * on from it with no white space; bit second[gz_pair_bit()]: some
	 * name goes on from its leading word, after white space, with those
	 * two bytes, folded (extract_int.h's gz_may_lead(): a word passing
	 * neither leads no name there, at two bit tests, not a trie walk) */
	uint64_t lead_any[FIRST_BITS / 64];
	uint64_t second[FIRST_BITS / 64];
};

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
	size_t ncap;
	void *p;

	if (n < *cap)
		return CDX_OK;
	ncap = *cap ? *cap * 2 : 256;
	p = realloc(*v, ncap * size);
	if (p == NULL)
		return CDX_ERR_NOMEM;
	*v = p;
	*cap = ncap;
	return CDX_OK;
}

/* The folded byte for a name or text byte; white space folds to ' '. */
static unsigned char fold(unsigned char c)
{
	return is_space(c) ? ' ' : lower(c);
}

static int node_child(struct gazetteer *g, uint32_t at, unsigned char c,
                      uint32_t *out)
{
	uint32_t k;
	struct gz_node *nn;

	for (k = g->nodes[at].child; k; k = g->nodes[k].sibling) {
		if (g->nodes[k].byte == c) {
			*out = k;
			return CDX_OK;
		}
	}
	if (grow((void **)&g->nodes, &g->cap_nodes, g->n_nodes,
	         sizeof(*g->nodes)))
		return CDX_ERR_NOMEM;
	k = (uint32_t)g->n_nodes++;
	nn = &g->nodes[k];
	nn->child = 0;
	nn->alias = 0;
	nn->byte = c;
	nn->sibling = g->nodes[at].child;
	g->nodes[at].child = k;
	*out = k;
	return CDX_OK;
}

static enum case_rule rule_of(const char *s, enum cdx_entity_type type)
{
	int upper = 0, lowers = 0;

	for (; *s; s++) {
		upper += *s >= 'A' && *s <= 'Z';
		lowers += *s >= 'a' && *s <= 'z';
	}
	if (upper && !lowers)
		return RULE_EXACT;
	return type == CDX_ENT_COMMODITY ? RULE_ANY : RULE_CAPS;
}

/* The bit a word's key (wk_key(), extract_int.h) selects in the
 * leading-word filters. */
static inline uint32_t first_bit(uint32_t h)
{
	return gz_first_bit(h, FIRST_BITS - 1);
}

static inline void set_bit(uint64_t *set, uint32_t bit)
{
	set[bit >> 6] |= (uint64_t)1 << (bit & 63);
}

/* Mark the leading word of alias @p text (of case rule @p rule) in the
 * filters of struct gazetteer. */
static void mark_first(struct gazetteer *g, const char *text,
                       enum case_rule rule)
{
	const unsigned char *p = (const unsigned char *)text;
	uint32_t bit, key;
	size_t n = 0, m;

	if (!is_alnum(p[0])) {
		g->sym[fold(p[0])] = 1;
		return;
	}
	while (is_alnum(p[n]))
		n++;
	key = wk_key_of(text, n);
	bit = first_bit(key);
	g->first[bit >> 6] |= (uint64_t)1 << (bit & 63);
	if (rule == RULE_ANY || !(text[0] >= 'A' && text[0] <= 'Z'))
		g->first_low[bit >> 6] |= (uint64_t)1 << (bit & 63);
	m = n;
	while (is_space(p[m]))
		m++;
	if (m > n && p[m] && p[m + 1])
		set_bit(g->second, gz_pair_bit(key, fold(p[m]), fold(p[m + 1]),
		                               FIRST_BITS - 1));
	else
		set_bit(g->lead_any, bit);
}

static int add_alias(struct gazetteer *g, const char *text, uint32_t ent)
{
	uint32_t at = 0;
	struct gz_alias *a;
	unsigned char prev = ' ';

	for (const char *p = text; *p; p++) {
		unsigned char c = fold((unsigned char)*p);

		if (c == ' ' && prev == ' ')
			continue; /* collapse runs, as the text is folded */
		if (node_child(g, at, c, &at))
			return CDX_ERR_NOMEM;
		prev = c;
	}
	if (at == 0)
		return CDX_OK;
	if (grow((void **)&g->aliases, &g->cap_aliases, g->n_aliases,
	         sizeof(*g->aliases)))
		return CDX_ERR_NOMEM;
	a = &g->aliases[g->n_aliases];
	a->text = strdup(text);
	if (a->text == NULL)
		return CDX_ERR_NOMEM;
	a->entity = ent;
	a->rule = rule_of(text, g->ents[ent].type);
	if (text[0] && text[1]) {
		unsigned p = (unsigned)fold((unsigned char)text[0]) << 8 |
		             fold((unsigned char)text[1]);

		g->pairs[p >> 3] |= (uint8_t)(1u << (p & 7));
		if (a->rule == RULE_ANY || !(text[0] >= 'A' && text[0] <= 'Z'))
			g->pairs_low[p >> 3] |= (uint8_t)(1u << (p & 7));
	}
	mark_first(g, text, a->rule);
	/* Append so the data file's order decides among equal foldings. */
	a->next = 0;
	if (g->nodes[at].alias == 0) {
		g->nodes[at].alias = (uint32_t)g->n_aliases + 1;
	} else {
		uint32_t k = g->nodes[at].alias - 1;

		while (g->aliases[k].next)
			k = g->aliases[k].next - 1;
		g->aliases[k].next = (uint32_t)g->n_aliases + 1;
	}
	g->n_aliases++;
	return CDX_OK;
}

static int row_entity(void *ctx, char **f, unsigned nf, unsigned line,
                      char *why, size_t cap)
{
	static const char *const types[] = {"country", "org", "company",
	                                    "commodity", "person", "place",
	                                    NULL};
	struct gazetteer *g = ctx;
	uint32_t id;
	char *list = NULL, *tok, *save = NULL;
	int t = -1, rc;

	for (int i = 0; types[i]; i++)
		if (strcmp(f[0], types[i]) == 0)
			t = i;
	if (t < 0) {
		snprintf(why, cap, "unknown entity type '%s'", f[0]);
		return CDX_ERR_FORMAT;
	}
	if (f[1][0] == '\0' || strlen(f[1]) > 200) {
		snprintf(why, cap, "empty or overlong canonical name");
		return CDX_ERR_FORMAT;
	}
	if (grow((void **)&g->ents, &g->cap_ents, g->n_ents, sizeof(*g->ents)))
		return CDX_ERR_NOMEM;
	id = (uint32_t)g->n_ents;
	memset(&g->ents[id], 0, sizeof(g->ents[id]));
	g->ents[id].type = (enum cdx_entity_type)t;
	g->ents[id].actor = id;
	g->ents[id].line = line;
	g->ents[id].name = strdup(f[1]);
	if (nf == 4 && f[3][0] != '\0')
		g->ents[id].acts_for = strdup(f[3]);
	g->n_ents++;
	if (g->ents[id].name == NULL || (nf == 4 && f[3][0] != '\0' &&
	                                 g->ents[id].acts_for == NULL))
		return CDX_ERR_NOMEM;
	if ((rc = add_alias(g, f[1], id)))
		return rc;
	if (nf < 3 || f[2][0] == '\0')
		return CDX_OK;
	if ((list = strdup(f[2])) == NULL)
		return CDX_ERR_NOMEM;
	for (tok = strtok_r(list, "|", &save); tok;
	     tok = strtok_r(NULL, "|", &save)) {
		if ((rc = add_alias(g, tok, id)))
			break;
	}
	free(list);
	return rc;
}

void extract_gz_free(struct gazetteer *g)
{
	if (g == NULL)
		return;
	for (size_t i = 0; i < g->n_ents; i++) {
		free(g->ents[i].name);
		free(g->ents[i].acts_for);
	}
	for (size_t i = 0; i < g->n_aliases; i++)
		free(g->aliases[i].text);
	free(g->ents);
	free(g->aliases);
	free(g->nodes);
	free(g->edges);
	free(g);
}

/* Multiplicative hashing keeps its good bits high; fold them down, as
 * the table uses the low bits. */
static uint32_t edge_hash(uint32_t key)
{
	uint32_t h = key * 2654435761u;

	return h ^ (h >> 16);
}

/* Build the edge table and the root and pair tables (see struct
 * gazetteer). */
static int flatten(struct gazetteer *g)
{
	uint32_t slots = 1024;

	while (slots < 2 * g->n_nodes)
		slots *= 2;
	g->edges = calloc(slots, sizeof(*g->edges));
	if (g->edges == NULL)
		return CDX_ERR_NOMEM;
	g->edge_mask = slots - 1;
	for (size_t i = 0; i < g->n_nodes; i++) {
		for (uint32_t k = g->nodes[i].child; k; k = g->nodes[k].sibling) {
			uint32_t key = ((uint32_t)i << 8 | g->nodes[k].byte) + 1;
			uint32_t h = edge_hash(key);

			while (g->edges[h & g->edge_mask].key)
				h++;
			g->edges[h & g->edge_mask].key = key;
			g->edges[h & g->edge_mask].child = k;
		}
	}
	for (uint32_t k = g->nodes[0].child; k; k = g->nodes[k].sibling)
		g->root[g->nodes[k].byte] = k;
	return CDX_OK;
}

/* The child of node @p at by byte @p c, or 0. */
static uint32_t edge(const struct gazetteer *g, uint32_t at, unsigned char c)
{
	uint32_t key = (at << 8 | c) + 1;

	for (uint32_t h = edge_hash(key);; h++) {
		const struct gz_edge *e = &g->edges[h & g->edge_mask];

		if (e->key == key)
			return e->child;
		if (e->key == 0)
			return 0;
	}
}

int extract_gz_load(struct gazetteer **out, const char *dir,
                   struct cdx_error *err)
{
	struct gazetteer *g;
	int rc;

	*out = NULL;
	g = calloc(1, sizeof(*g));
	if (g == NULL)
		return cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
	g->nodes = calloc(256, sizeof(*g->nodes));
	if (g->nodes == NULL) {
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
		goto cleanup;
	}
	g->cap_nodes = 256;
	g->n_nodes = 1; /* the root */
	rc = extract_tsv_read(dir, "entities.tsv", 2, 4, row_entity, g, err);
	/* "acts for" names an entity that may come later in the file. */
	for (size_t i = 0; rc == CDX_OK && i < g->n_ents; i++) {
		struct gz_entity *e = &g->ents[i];

		if (e->acts_for == NULL)
			continue;
		if (extract_gz_lookup(g, e->acts_for, &e->actor) != CDX_OK)
			rc = cdx_error_set(err, CDX_ERR_FORMAT,
			                   "bad data line '%s/entities.tsv:%u': "
			                   "unknown entity '%s'", dir, e->line,
			                   e->acts_for);
		free(e->acts_for);
		e->acts_for = NULL;
	}
	if (rc == CDX_OK && flatten(g) != CDX_OK)
		rc = cdx_error_set(err, CDX_ERR_NOMEM, "out of memory");
cleanup:
	if (rc) {
		extract_gz_free(g);
		return rc;
	}
	*out = g;
	return CDX_OK;
}

/* Does text [s, s+n) satisfy the case rule of alias @p a? The trie has
 * already matched the folded bytes, so only case remains to check. */
static int case_ok(const struct gz_alias *a, const char *s, size_t n)
{
	const char *p = a->text;
	size_t j = 0;

	if (a->rule == RULE_ANY)
		return 1;
	while (*p && j < n) {
		unsigned char x = (unsigned char)*p;
		unsigned char y = (unsigned char)s[j];

		if (is_space(x)) {
			while (is_space((unsigned char)*p))
				p++;
			while (j < n && is_space((unsigned char)s[j]))
				j++;
			continue;
		}
		if (a->rule == RULE_EXACT && x != y)
			return 0;
		if (x >= 'A' && x <= 'Z' && !(y >= 'A' && y <= 'Z'))
			return 0;
		p++;
		j++;
	}
	return 1;
}

/* The trie walk of extract_gz_match(), once a filter let @p pos pass. */
static int walk(const struct gazetteer *g, const char *t, size_t len,
                size_t pos, size_t *end, uint32_t *id)
{
	uint32_t at = 0;
	size_t i = pos;
	int found = 0;

	while (i < len) {
		unsigned char c = fold((unsigned char)t[i]);
		uint32_t k;
		size_t next = i + 1;

		if (c == ' ')
			while (next < len && is_space((unsigned char)t[next]))
				next++;
		k = at == 0 ? g->root[c] : edge(g, at, c);
		if (k == 0)
			break;
		at = k;
		i = next;
		/* A name ends only where a word ends: "Mali" not in "Malibu". */
		if (g->nodes[at].alias &&
		    (i == len || !is_alnum((unsigned char)t[i]) ||
		     !is_alnum((unsigned char)t[i - 1]))) {
			for (uint32_t a = g->nodes[at].alias; a;
			     a = g->aliases[a - 1].next) {
				if (case_ok(&g->aliases[a - 1], t + pos, i - pos)) {
					*end = i;
					*id = g->aliases[a - 1].entity;
					found = 1;
					break;
				}
			}
		}
	}
	return found;
}

int extract_gz_match(const struct gazetteer *g, const char *t, size_t len,
                    size_t pos, size_t *end, uint32_t *id)
{
	if (pos + 1 < len) {
		unsigned char c = (unsigned char)t[pos];
		unsigned p = (unsigned)fold(c) << 8 |
		             fold((unsigned char)t[pos + 1]);
		const uint8_t *pairs = c >= 'A' && c <= 'Z' ? g->pairs :
		                                              g->pairs_low;

		if (!(pairs[p >> 3] & (1u << (p & 7))))
			return 0;
	}
	return walk(g, t, len, pos, end, id);
}

int extract_gz_next(const struct gazetteer *g, const char *t, size_t len,
                    size_t *pos, size_t *start, size_t *end, uint32_t *id)
{
	size_t i = *pos;
	struct gz_filter gf;

	extract_gz_filter(g, &gf);
	while (i < len) {
		unsigned char c = (unsigned char)t[i];
		uint32_t bit, key;
		const uint64_t *set;
		uint64_t x;
		size_t j;

		if (is_space(c) || (i > 0 && is_alnum((unsigned char)t[i - 1]))) {
			i++;
			continue;
		}
		if (!is_alnum(c)) {
			if (g->sym[fold(c)] && extract_gz_match(g, t, len, i, end,
			                                        id))
				goto found;
			i++;
			continue;
		}
		/* a word: no name starts here unless its leading word is
		 * some name's; then the trie says which, if any. Its first
		 * eight bytes give its key and, most often, its end */
		x = wk_load8(t, len, i);
		j = i + wk_run(x, 1);
		if (j == i + 8)
			while (j < len && is_alnum((unsigned char)t[j]))
				j++;
		key = wk_key(x, j - i);
		bit = first_bit(key);
		set = c >= 'A' && c <= 'Z' ? g->first : g->first_low;
		if ((set[bit >> 6] >> (bit & 63) & 1) &&
		    gz_may_lead(&gf, t, len, j, key) &&
		    extract_gz_match(g, t, len, i, end, id))
			goto found;
		i = j;
	}
	*pos = len;
	return 0;
found:
	*start = i;
	*pos = *end;
	return 1;
}

void extract_gz_filter(const struct gazetteer *g, struct gz_filter *f)
{
	f->first = g->first;
	f->first_low = g->first_low;
	f->lead_any = g->lead_any;
	f->second = g->second;
	f->sym = g->sym;
	f->mask = FIRST_BITS - 1;
}

int extract_gz_next_cand(const struct gazetteer *g, const char *t,
                         size_t len, const struct cands *c, size_t *ci,
                         size_t *pos, size_t *start, size_t *end,
                         uint32_t *id)
{
	struct gz_filter gf;

	/* the places extract_gz_next() would try, in order */
	extract_gz_filter(g, &gf);
	for (size_t k = *ci; k < c->n_gz; k++) {
		size_t i = c->gz[k];

		if (i >= *pos &&
		    (c->ge[k] == 0 ||
		     gz_may_lead(&gf, t, len, c->ge[k], c->gk[k])) &&
		    extract_gz_match(g, t, len, i, end, id)) {
			*ci = k + 1;
			*start = i;
			*pos = *end;
			return 1;
		}
	}
	*ci = c->n_gz;
	*pos = len;
	return 0;
}

/* Ids from the entity count on are names taken from the text
 * (propernames.c): companies acting for themselves, with no canonical
 * name here. */
uint32_t extract_gz_actor(const struct gazetteer *g, uint32_t id)
{
	return id < g->n_ents ? g->ents[id].actor : id;
}

size_t extract_gz_count(const struct gazetteer *g)
{
	return g->n_ents;
}

const char *extract_gz_name(const struct gazetteer *g, uint32_t id)
{
	return id < g->n_ents ? g->ents[id].name : NULL;
}

enum cdx_entity_type extract_gz_type(const struct gazetteer *g, uint32_t id)
{
	return id < g->n_ents ? g->ents[id].type : CDX_ENT_COMPANY;
}

/* Walk the trie over folded @p s; the entity of the node reached, if any. */
static int lookup_exact(const struct gazetteer *g, const char *s, size_t n,
                        uint32_t *id)
{
	uint32_t at = 0;
	unsigned char prev = ' ';

	for (size_t i = 0; i < n; i++) {
		unsigned char c = fold((unsigned char)s[i]);
		uint32_t k;

		if (c == ' ' && prev == ' ')
			continue;
		prev = c;
		for (k = g->nodes[at].child; k; k = g->nodes[k].sibling)
			if (g->nodes[k].byte == c)
				break;
		if (k == 0)
			return CDX_ERR_NOTFOUND;
		at = k;
	}
	if (at == 0 || g->nodes[at].alias == 0)
		return CDX_ERR_NOTFOUND;
	*id = g->aliases[g->nodes[at].alias - 1].entity;
	return CDX_OK;
}

int extract_gz_lookup(const struct gazetteer *g, const char *name,
                     uint32_t *id)
{
	size_t n;

	while (is_space((unsigned char)*name))
		name++;
	n = strlen(name);
	while (n && is_space((unsigned char)name[n - 1]))
		n--;
	if (lookup_exact(g, name, n, id) == CDX_OK)
		return CDX_OK;
	/* "the United States", "the Pentagon": the article is not a name. */
	if (n > 4 && lower((unsigned char)name[0]) == 't' &&
	    lower((unsigned char)name[1]) == 'h' &&
	    lower((unsigned char)name[2]) == 'e' && is_space((unsigned char)name[3]))
		return lookup_exact(g, name + 4, n - 4, id);
	return CDX_ERR_NOTFOUND;
}

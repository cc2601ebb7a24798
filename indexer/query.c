/*
 * query.c — the search syntax: user text into a query tree.
 *
 *   words (AND by default)   "a phrase"   a OR b   NOT a   -a   pre*
 *   ( ... )   entity:X commodity:X kind:K value:>50 value:10..20
 *   year:2030 source:S title:T   (a filter value may be "quoted")
 *
 * The parser never fails: what it cannot read as syntax it reads as
 * words. A stray ')' is dropped, a '(' or '"' left open closes at the end,
 * an operator with nothing to work on is dropped, a field it does not
 * know or a value it cannot read ("value:lots") is searched as words.
 * Operators are the upper-case words OR, AND, NOT; '-' negates only at
 * the start of a word ("rare-earth" is a word). Words go through the
 * document term pipeline (index_terms), so a word that folds into
 * several terms is a phrase and one with no letter or digit vanishes.
 *
 * First a lexer cuts the text into tokens, then a recursive descent
 * (or := and (OR and)*, and := unary+, unary := NOT unary | ( or ) |
 * atom) builds nodes in an arena; depth and node count are bounded so
 * hostile text costs bounded time and memory.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "index_int.h"

#define QUERY_TOKENS_MAX 256
#define QUERY_DEPTH_MAX 32
#define QUERY_TERMS_MAX 64

enum tok_type { T_WORD, T_PHRASE, T_FIELD, T_LP, T_RP, T_OR, T_AND, T_NOT };

struct tok {
	enum tok_type type;
	const char *s;      /* word, phrase or field value */
	size_t n;
	int field;          /* T_FIELD: enum index_qfield */
	const char *whole;  /* T_FIELD: the whole chunk, read as words when
	                       the value is unreadable */
	size_t whole_n;
};

struct parser {
	struct tok t[QUERY_TOKENS_MAX];
	size_t n, at;
	struct index_query *q;
	void *stemmer;
	size_t n_terms;     /* term nodes made so far */
	int nomem;
};

static const char *const field_names[QF_COUNT_] = {
	[QF_ENTITY] = "entity", [QF_COMMODITY] = "commodity",
	[QF_KIND] = "kind",     [QF_VALUE] = "value",
	[QF_YEAR] = "year",     [QF_SOURCE] = "source",
	[QF_TITLE] = "title",
};

static int is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

static int ends_chunk(char c)
{
	return is_space(c) || c == '(' || c == ')' || c == '"';
}

static int field_of(const char *s, size_t n)
{
	for (int f = 0; f < QF_COUNT_; f++) {
		size_t fl = strlen(field_names[f]);

		if (fl != n)
			continue;
		for (size_t i = 0; i < n; i++)
			if ((s[i] | 0x20) != field_names[f][i])
				goto next;
		return f;
next:;
	}
	return -1;
}

static int push(struct parser *p, struct tok t)
{
	if (p->n == QUERY_TOKENS_MAX)
		return 0; /* more than anyone types: the rest is ignored */
	p->t[p->n++] = t;
	return 1;
}

static int is_op(const char *s, size_t n, const char *op)
{
	return n == strlen(op) && memcmp(s, op, n) == 0;
}

/* A chunk of non-space text starting at s[*i]. */
static void lex_chunk(struct parser *p, const char *s, size_t len, size_t *i,
                      int neg)
{
	size_t a = *i, z = a, colon = 0;
	struct tok t = {T_WORD, s + a, 0, -1, NULL, 0};
	int f;

	while (z < len && !ends_chunk(s[z])) {
		if (s[z] == ':' && colon == 0)
			colon = z - a + 1;
		z++;
	}
	*i = z;
	t.n = z - a;
	if (!neg && is_op(t.s, t.n, "OR"))
		t.type = T_OR;
	else if (!neg && is_op(t.s, t.n, "AND"))
		t.type = T_AND;
	else if (!neg && is_op(t.s, t.n, "NOT"))
		t.type = T_NOT;
	else if (colon > 1 && (f = field_of(t.s, colon - 1)) >= 0) {
		t.type = T_FIELD;
		t.field = f;
		t.whole = t.s;
		t.whole_n = t.n;
		t.s += colon;
		t.n -= colon;
		/* field:"a quoted value" */
		if (t.n == 0 && z < len && s[z] == '"') {
			size_t e = z + 1;

			while (e < len && s[e] != '"')
				e++;
			t.s = s + z + 1;
			t.n = e - z - 1;
			t.whole_n = e - (size_t)(t.whole - s);
			*i = e < len ? e + 1 : e;
		}
	}
	if (neg && !push(p, (struct tok){T_NOT, NULL, 0, -1, NULL, 0}))
		return;
	push(p, t);
}

static void lex(struct parser *p, const char *s, size_t len)
{
	size_t i = 0;

	while (i < len && p->n < QUERY_TOKENS_MAX) {
		int neg = 0;

		if (is_space(s[i])) {
			i++;
			continue;
		}
		/* '-' negates what follows it directly */
		if (s[i] == '-' && i + 1 < len && !is_space(s[i + 1]) &&
		    s[i + 1] != ')' && s[i + 1] != '-') {
			neg = 1;
			i++;
		}
		if (s[i] == '(' || s[i] == '"') {
			if (neg)
				push(p, (struct tok){T_NOT, NULL, 0, -1, NULL, 0});
		}
		if (s[i] == '(') {
			push(p, (struct tok){T_LP, NULL, 0, -1, NULL, 0});
			i++;
		} else if (s[i] == ')') {
			push(p, (struct tok){T_RP, NULL, 0, -1, NULL, 0});
			i++;
		} else if (s[i] == '"') {
			size_t e = i + 1;

			while (e < len && s[e] != '"')
				e++;
			push(p, (struct tok){T_PHRASE, s + i + 1, e - i - 1, -1,
			                     NULL, 0});
			i = e < len ? e + 1 : e;
		} else {
			lex_chunk(p, s, len, &i, neg);
		}
	}
}

/* ------------------------------------------------------------ nodes */

static struct index_qnode *node(struct parser *p, enum index_qtype type)
{
	struct index_qnode *n = index_arena_alloc(&p->q->arena, sizeof *n);

	if (n == NULL) {
		p->nomem = 1;
		return NULL;
	}
	memset(n, 0, sizeof *n);
	n->type = type;
	return n;
}

static void add_kid(struct index_qnode *parent, struct index_qnode *kid,
                    struct index_qnode **last)
{
	if (kid == NULL)
		return;
	if (*last)
		(*last)->next = kid;
	else
		parent->kids = kid;
	*last = kid;
	parent->n_kids++;
}

/* A node with one kid is that kid; one without any is nothing. */
static struct index_qnode *collapse(struct index_qnode *n)
{
	if (n == NULL || n->n_kids == 0)
		return NULL;
	return n->n_kids == 1 ? n->kids : n;
}

struct words_ctx {
	struct parser *p;
	struct index_qnode *phrase, *last;
};

static int on_word_term(void *ctx, const char *t, size_t n, uint32_t start,
                        uint32_t end)
{
	struct words_ctx *w = ctx;
	struct index_qnode *k;

	(void)start;
	(void)end;
	if (w->p->n_terms >= QUERY_TERMS_MAX)
		return 0;
	k = node(w->p, Q_TERM);
	if (k == NULL)
		return 1;
	k->term = index_arena_strndup(&w->p->q->arena, t, n);
	if (k->term == NULL) {
		w->p->nomem = 1;
		return 1;
	}
	k->len = n;
	w->p->n_terms++;
	add_kid(w->phrase, k, &w->last);
	return 0;
}

/* The terms of @p s as one term or a phrase; NULL when it has none. */
static struct index_qnode *words(struct parser *p, const char *s, size_t n)
{
	struct words_ctx w = {p, NULL, NULL};

	w.phrase = node(p, Q_PHRASE);
	if (w.phrase == NULL)
		return NULL;
	index_terms(s, n, p->stemmer, on_word_term, &w);
	return collapse(w.phrase);
}

struct prefix_probe {
	char term[INDEX_TERM_MAX + 1];
	size_t len;
	int n;
};

static int on_prefix_term(void *ctx, const char *t, size_t n, uint32_t start,
                          uint32_t end)
{
	struct prefix_probe *pp = ctx;

	(void)start;
	(void)end;
	if (pp->n++ > 0)
		return 1; /* several words: not a prefix */
	memcpy(pp->term, t, n);
	pp->len = n;
	return 0;
}

/* word* : the folded, unstemmed word as a prefix of terms. */
static struct index_qnode *prefix(struct parser *p, const char *s, size_t n)
{
	struct prefix_probe pp;
	struct index_qnode *k;

	pp.n = 0;
	pp.len = 0;
	if (index_terms(s, n, NULL, on_prefix_term, &pp) != 0 || pp.n != 1)
		return words(p, s, n);
	k = node(p, Q_PREFIX);
	if (k == NULL)
		return NULL;
	k->term = index_arena_strndup(&p->q->arena, pp.term, pp.len);
	if (k->term == NULL) {
		p->nomem = 1;
		return NULL;
	}
	k->len = pp.len;
	p->n_terms++;
	return k;
}

static int parse_year(const char *s, size_t n, int *year)
{
	int y = 0;

	if (n != 4)
		return CDX_ERR_USAGE;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return CDX_ERR_USAGE;
		y = y * 10 + (s[i] - '0');
	}
	*year = y;
	return CDX_OK;
}

static struct index_qnode *filter(struct parser *p, const struct tok *t)
{
	struct index_qnode *k;
	enum cdx_claim_kind kind;
	char buf[32];

	k = node(p, Q_FILTER);
	if (k == NULL)
		return NULL;
	k->field = (enum index_qfield)t->field;
	k->str = index_arena_strndup(&p->q->arena, t->s, t->n);
	if (k->str == NULL) {
		p->nomem = 1;
		return NULL;
	}
	k->str_len = t->n;
	switch (k->field) {
	case QF_KIND:
		if (t->n < sizeof buf && cdx_kind_parse(k->str, &kind) == CDX_OK)
			k->kind = (int)kind;
		else
			return words(p, t->whole, t->whole_n);
		break;
	case QF_VALUE:
		if (index_valrange_parse(t->s, t->n, &k->range) != CDX_OK)
			return words(p, t->whole, t->whole_n);
		break;
	case QF_YEAR:
		if (parse_year(t->s, t->n, &k->year) != CDX_OK)
			return words(p, t->whole, t->whole_n);
		break;
	default:
		break;
	}
	/* "entity:" with nothing after it filters nothing */
	return t->n ? k : NULL;
}

/* ------------------------------------------------------------ grammar */

static struct index_qnode *parse_or(struct parser *p, int depth);

static const struct tok *peek(const struct parser *p)
{
	return p->at < p->n ? &p->t[p->at] : NULL;
}

static struct index_qnode *parse_unary(struct parser *p, int depth)
{
	const struct tok *t = peek(p);
	struct index_qnode *k, *n;

	p->at++;
	switch (t->type) {
	case T_NOT:
		if (peek(p) == NULL || peek(p)->type == T_RP ||
		    peek(p)->type == T_OR)
			return NULL; /* NOT with nothing after it */
		k = parse_unary(p, depth + 1);
		if (k == NULL)
			return NULL;
		if (k->type == Q_NOT)
			return k->kids; /* NOT NOT a is a */
		n = node(p, Q_NOT);
		if (n)
			n->kids = k, n->n_kids = 1;
		return n;
	case T_LP:
		if (depth >= QUERY_DEPTH_MAX) {
			/* deeper than anyone nests: read on as if flat */
			return NULL;
		}
		k = parse_or(p, depth + 1);
		if (peek(p) && peek(p)->type == T_RP)
			p->at++;
		return k;
	case T_PHRASE:
		return words(p, t->s, t->n);
	case T_FIELD:
		return filter(p, t);
	case T_WORD:
		if (t->n > 1 && t->s[t->n - 1] == '*') {
			size_t n2 = t->n;

			while (n2 > 0 && t->s[n2 - 1] == '*')
				n2--;
			return prefix(p, t->s, n2);
		}
		return words(p, t->s, t->n);
	default:
		return NULL; /* AND, OR, ')' where an operand was due */
	}
}

static struct index_qnode *parse_and(struct parser *p, int depth)
{
	struct index_qnode *and = node(p, Q_AND), *last = NULL;
	const struct tok *t;

	if (and == NULL)
		return NULL;
	while ((t = peek(p)) != NULL && t->type != T_RP && t->type != T_OR) {
		if (t->type == T_AND) {
			p->at++;
			continue;
		}
		add_kid(and, parse_unary(p, depth), &last);
		if (p->nomem)
			return NULL;
	}
	return collapse(and);
}

static struct index_qnode *parse_or(struct parser *p, int depth)
{
	struct index_qnode *or = node(p, Q_OR), *last = NULL;

	if (or == NULL)
		return NULL;
	add_kid(or, parse_and(p, depth), &last);
	while (peek(p) && peek(p)->type == T_OR && !p->nomem) {
		p->at++;
		add_kid(or, parse_and(p, depth), &last);
	}
	return collapse(or);
}

int index_query_parse(struct index_query *q, const char *text, size_t len,
                      void *stemmer)
{
	struct parser *p;
	struct index_qnode *top, *last = NULL;

	memset(q, 0, sizeof *q);
	p = calloc(1, sizeof *p);
	if (p == NULL)
		return CDX_ERR_NOMEM;
	p->q = q;
	p->stemmer = stemmer;
	lex(p, text, len);
	top = node(p, Q_AND);
	/* a stray ')' ends parse_or early: drop it and read on */
	while (top && p->at < p->n && !p->nomem) {
		add_kid(top, parse_or(p, 0), &last);
		if (peek(p) && peek(p)->type == T_RP)
			p->at++;
	}
	q->root = collapse(top);
	if (p->nomem) {
		free(p);
		index_query_release(q);
		return CDX_ERR_NOMEM;
	}
	free(p);
	return CDX_OK;
}

void index_query_release(struct index_query *q)
{
	if (q == NULL)
		return;
	index_arena_release(&q->arena);
	memset(q, 0, sizeof *q);
}

/* ------------------------------------------------------------ values */

/* A number, with ',' thousands separators and a trailing '%' allowed. */
static int parse_num(const char *s, size_t n, double *out)
{
	char buf[64], *end;
	size_t k = 0;

	while (n > 0 && (s[n - 1] == '%' || is_space(s[n - 1])))
		n--;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ',' || s[i] == '_')
			continue;
		if (k + 1 == sizeof buf)
			return CDX_ERR_USAGE;
		buf[k++] = s[i];
	}
	buf[k] = '\0';
	if (k == 0 || !((buf[0] >= '0' && buf[0] <= '9') || buf[0] == '-' ||
	                buf[0] == '+' || buf[0] == '.'))
		return CDX_ERR_USAGE;
	errno = 0;
	*out = strtod(buf, &end);
	if (*end != '\0' || errno != 0 || !isfinite(*out))
		return CDX_ERR_USAGE;
	return CDX_OK;
}

int index_valrange_parse(const char *s, size_t n, struct index_valrange *out)
{
	const char *dots;
	double v;

	memset(out, 0, sizeof *out);
	while (n > 0 && is_space(*s))
		s++, n--;
	if (n == 0)
		return CDX_ERR_USAGE;
	if (s[0] == '>' || s[0] == '<') {
		int lower = s[0] == '>', open = 1;

		s++, n--;
		if (n > 0 && s[0] == '=')
			s++, n--, open = 0;
		if (parse_num(s, n, &v) != CDX_OK)
			return CDX_ERR_USAGE;
		if (lower)
			out->has_lo = 1, out->lo = v, out->lo_open = (uint8_t)open;
		else
			out->has_hi = 1, out->hi = v, out->hi_open = (uint8_t)open;
		return CDX_OK;
	}
	dots = NULL;
	for (size_t i = 0; i + 1 < n; i++)
		if (s[i] == '.' && s[i + 1] == '.') {
			dots = s + i;
			break;
		}
	if (dots) {
		size_t a = (size_t)(dots - s), b = n - a - 2;

		if (a && parse_num(s, a, &out->lo) != CDX_OK)
			return CDX_ERR_USAGE;
		if (b && parse_num(dots + 2, b, &out->hi) != CDX_OK)
			return CDX_ERR_USAGE;
		out->has_lo = a > 0;
		out->has_hi = b > 0;
		if (!out->has_lo && !out->has_hi)
			return CDX_ERR_USAGE;
		if (out->has_lo && out->has_hi && out->lo > out->hi) {
			double t = out->lo;

			out->lo = out->hi;
			out->hi = t;
		}
		return CDX_OK;
	}
	if (parse_num(s, n, &v) != CDX_OK)
		return CDX_ERR_USAGE;
	out->has_lo = out->has_hi = 1;
	out->lo = out->hi = v;
	return CDX_OK;
}

int index_valrange_meets(const struct index_valrange *r, double lo, double hi)
{
	if (isnan(lo))
		return 0;
	if (isnan(hi) || hi < lo)
		hi = lo;
	/* a claim's range [lo, hi] meets the filter's when they overlap */
	if (r->has_lo && (r->lo_open ? hi <= r->lo : hi < r->lo))
		return 0;
	if (r->has_hi && (r->hi_open ? lo >= r->hi : lo > r->hi))
		return 0;
	return 1;
}

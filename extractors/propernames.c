/*
 * propernames.c — names the gazetteer does not know, taken from the text:
 * "Dr Reddy's", "James Hardie", "Huzhou Kaijin New Energy Technology".
 *
 * A name is a run of capitalised words inside a sentence ("of" and "&" may
 * join two of them), not overlapping a gazetteer mention. Capitals that are
 * no names are left out: words listed as `notname` in words.tsv (months,
 * pronouns, titles, sentence openers) are dropped from the front of a run,
 * an all-capitals word stands only beside a capitalised one ("GMT" and
 * "R&D" are no names), a run followed by a number is a label ("Section
 * 232"), and a word glued to a lower-case word by a hyphen qualifies
 * ("Houston-based"), a number word after a month is a day and one before
 * a period word is a period ("March Three", "Nine Mths"). A country opens
 * a name only before one word that makes it a company's ("US Airways", "France Telecom"). The first word of a sentence is capitalised anyway,
 * so a run of one word there only refers back to a name already seen
 * ("Continental also said", after "Continental Airlines"), unless a dash
 * or colon follows it (a list item: "Kvanefjeld – located in ...").
 *
 * Each document keeps a table of its names; a new run that is a name seen
 * before, or its first or last word ("Hardie" after "James Hardie"), is a
 * mention of the same name, so coreference costs one table walk. Names
 * become mentions of type company (ids from the gazetteer's count on);
 * the longest form is the one a claim reports, with "'s" kept when the
 * document writes the name so more often than not ("Dr Reddy's").
 */
#include <string.h>

#include "extract_int.h"

/* Most words in one name; a longer run is cut. */
#define RUN_WORDS 8
/* Longest line that may be a headline in title case. */
#define TITLE_MAX 160

struct word {
	uint32_t start, end;
	uint8_t caps;   /* no lower-case letter: "BCC", "W" */
	uint8_t mixed;  /* a capital then lower-case letters: "Reddy" */
	size_t ment;    /* a capitalised commodity the name takes in
	                   ("Copper Development Association"): the index of
	                   its mention; SIZE_MAX for a plain word */
};

static int upper(unsigned char c)
{
	return (byte_class[c] & BC_UPPER) != 0;
}

static int letter(unsigned char c)
{
	return (byte_class[c] & (BC_LOWER | BC_UPPER)) != 0;
}

/* Does a possessive "'s" or "’s" start at @p i? Returns its length. */
static size_t possessive(const char *t, size_t len, size_t i)
{
	size_t n = 0;

	if (i < len && t[i] == '\'')
		n = 1;
	else if (i + 2 < len && (unsigned char)t[i] == 0xe2 &&
	         (unsigned char)t[i + 1] == 0x80 &&
	         (unsigned char)t[i + 2] == 0x99)
		n = 3;
	if (n == 0 || i + n >= len || t[i + n] != 's' ||
	    (i + n + 1 < len && is_alnum((unsigned char)t[i + n + 1])))
		return 0;
	return n + 1;
}

/* cap_word() byte by byte, from @p i: sets *end and *lowers (the small
 * letters); returns 0 for a word that can be no part of a name. */
static int word_by_bytes(const char *t, size_t len, size_t i, size_t *end,
                         int *lowers)
{
	size_t j = i;

	while (j < len) {
		unsigned char c = (unsigned char)t[j];

		if (letter(c)) {
			*lowers += c >= 'a' && c <= 'z';
			j++;
		} else if (c >= '0' && c <= '9') {
			return 0;
		} else if (c == '-' && j + 1 < len && letter((unsigned char)t[j + 1])) {
			if (!upper((unsigned char)t[j + 1]))
				return 0;
			j++;
		} else if (c == '\'' && j + 1 < len && t[j + 1] != 's' &&
		           letter((unsigned char)t[j + 1])) {
			j++;
		} else {
			break;
		}
	}
	*end = j;
	return 1;
}

/*
 * The capitalised word at @p i (a word start holding a capital): its end
 * in w->end, the end of a following possessive in *after. Returns 0 when
 * the word can be no part of a name: it holds a digit ("G20"), or a hyphen
 * glues it to a lower-case word ("Houston-based"). Inner hyphens before a
 * capital ("Rolls-Royce") and apostrophes before letters ("O'Neill") stay
 * inside the word.
 */
static int cap_word(const struct masks *bm, const char *t, size_t len,
                    size_t i, struct word *w, size_t *after)
{
	size_t j = masks_run_end(bm, i, mask_letter);
	int lowers = 0;

	/* Most words end in a byte that is neither a digit, a hyphen nor an
	 * apostrophe: their letters and whether one is small come from the
	 * masks. The others are read byte by byte. */
	if (j == len || !(t[j] == '-' || t[j] == '\'' ||
	                  (t[j] >= '0' && t[j] <= '9'))) {
		size_t k = i / 64;

		/* most words lie in one block: one shift */
		if (j - i < 64 && (j - 1) / 64 == k)
			lowers = ((mask_letter(&bm->b[k]) & ~bm->b[k].upper) >>
			          (i % 64) &
			          (((uint64_t)1 << (j - i)) - 1)) != 0;
		else
			for (; 64 * k < j; k++)
				lowers |= (mask_letter(&bm->b[k]) &
				           ~bm->b[k].upper &
				           masks_span(k, i, j)) != 0;
	} else if (!word_by_bytes(t, len, i, &j, &lowers)) {
		return 0;
	}
	w->start = (uint32_t)i;
	w->end = (uint32_t)j;
	w->caps = lowers == 0;
	w->mixed = lowers > 0;
	w->ment = SIZE_MAX;
	*after = j + possessive(t, len, j);
	/* "W." in "George W. Bush" */
	if (j - i == 1 && j < len && t[j] == '.')
		*after = j + 1;
	return 1;
}

int extract_sentence_start(const char *t, size_t i)
{
	while (i > 0) {
		unsigned char c = (unsigned char)t[i - 1];

		if (c == ' ' || c == '\t' || c == '"' || c == '(' || c == '[' ||
		    c == '\'')
			i--;
		else if (c >= 0x80) /* “ ‘ and other UTF-8 punctuation */
			i--;
		else
			return c == '\n' || c == '\r' || c == '.' || c == ':' ||
			       c == '!' || c == '?' || c == ';';
	}
	return 1;
}

/* Is a dash (– or —) at @p i? */
static int dash_at(const char *t, size_t len, size_t i)
{
	return i + 2 < len && (unsigned char)t[i] == 0xe2 &&
	       (unsigned char)t[i + 1] == 0x80 &&
	       ((unsigned char)t[i + 2] == 0x93 || (unsigned char)t[i + 2] == 0x94);
}

/* Does a list-item dash or a colon follow @p i ("Kvanefjeld – located")? */
static int dash_follows(const char *t, size_t len, size_t i)
{
	while (i < len && t[i] == ' ')
		i++;
	if (i < len && (t[i] == ':' || t[i] == '-'))
		return 1;
	return dash_at(t, len, i);
}

/* Does a number follow the run ending at @p i ("Section 232")? */
static int number_follows(const char *t, size_t len, size_t i)
{
	while (i < len && t[i] == ' ')
		i++;
	return i < len && t[i] >= '0' && t[i] <= '9';
}

static int same(const char *a, size_t na, const char *b, size_t nb)
{
	return na == nb && memcmp(a, b, na) == 0;
}

/* The first and last word of [p, p+n) (a name: single spaces inside). */
static void edge_words(const char *p, size_t n, size_t *first, size_t *last)
{
	const char *sp = memchr(p, ' ', n);
	size_t k = n;

	*first = sp ? (size_t)(sp - p) : n;
	while (k > 0 && p[k - 1] != ' ')
		k--;
	*last = k;
}

/*
 * The name of the table that [p, p+n) (its edge_words() @p f, @p l)
 * refers to, or -1: the same name,
 * or one word of it that is the first or last word of a longer name seen
 * before ("Hardie" for "James Hardie"). A longer run whose first or last
 * word is a one-word name seen before becomes that name's longest form.
 */
static int find_name(struct tnames *tn, const char *p, size_t n, size_t f,
                     size_t l)
{
	int one = f == n;

	for (size_t k = tn->n; k-- > 0;) {
		struct tname *e = &tn->v[k];
		size_t ef = e->first, el = e->last;

		if (same(e->p, e->len, p, n))
			return (int)k;
		if (one && ef < e->len &&
		    (same(e->p, ef, p, n) ||
		     same(e->p + el, e->len - el, p, n)))
			return (int)k;
		if (!one && ef == e->len &&
		    (same(p, f, e->p, e->len) ||
		     same(p + l, n - l, e->p, e->len))) {
			e->p = p;
			e->len = (uint32_t)n;
			e->first = (uint32_t)f;
			e->last = (uint32_t)l;
			return (int)k;
		}
	}
	return -1;
}

/* Append a mention of name @p k over [start, end) to the array. */
static int add_mention(struct ment **v, size_t *n, size_t *cap,
                       uint32_t start, uint32_t end, uint32_t id,
                       enum cdx_entity_type type)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 16;
		struct ment *nv = realloc(*v, ncap * sizeof(*nv));

		if (nv == NULL)
			return CDX_ERR_NOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n].start = start;
	(*v)[*n].end = end;
	(*v)[*n].id = id;
	(*v)[*n].type = type;
	(*v)[*n].from_text = 1;
	(*n)++;
	return CDX_OK;
}

struct run {
	struct word w[RUN_WORDS];
	unsigned n;
	int poss;      /* the last word is followed by "'s" */
	size_t after;  /* where the run ends, possessive included */
};

/* edge_words() of the name [p, p+pn) that words [a, b) of run @p r make,
 * from the words' bounds: a word of the text holds no space, and one
 * space follows every word of a run but the last, unless a period does
 * ("W. Bush"). A capitalised commodity inside may hold spaces: then, or
 * when the bytes say otherwise, the bytes are read. */
static void run_edges(const struct run *r, unsigned a, unsigned b,
                      const char *p, size_t pn, size_t *f, size_t *l)
{
	size_t from = r->w[a].start;

	if (r->w[a].ment != SIZE_MAX || r->w[b - 1].ment != SIZE_MAX) {
		edge_words(p, pn, f, l);
		return;
	}
	if (a + 1 == b) {
		*f = pn;
		*l = 0;
		return;
	}
	*f = r->w[a].end - from;
	*l = r->w[b - 1].start - from;
	if (p[*f] != ' ' || *l == 0 || p[*l - 1] != ' ')
		edge_words(p, pn, f, l);
}

/* The classes of words.tsv word [t+i, t+i+n) of sentence [t, t+len) is
 * in (bit 1 << W_...), from the memo of @p tn when it holds them. */
static uint32_t text_cls(const struct lexicon *lx, struct tnames *tn,
                         const char *t, size_t len, size_t i, size_t n)
{
	struct word_cls_memo *m;
	uint64_t x;

	if (n == 0 || n > 8)
		return extract_lex_classes(&lx->words, t + i, n);
	/* eight bytes of the sentence at once, but at its end */
	x = wk_load8(t, len, i) & wk_keep8(n);
	m = &tn->memo[wk_key(x, n) & (WORD_CLS_MEMO - 1)];
	if (m->n != n || m->x != x) {
		m->x = x;
		m->n = (uint32_t)n;
		m->cls = extract_lex_classes(&lx->words, t + i, n);
	}
	return m->cls;
}

/* The classes of words.tsv word @p w is in (bit 1 << W_...). */
static uint32_t word_cls(const struct lexicon *lx, struct tnames *tn,
                         const char *t, size_t len, const struct word *w)
{
	return text_cls(lx, tn, t, len, w->start, w->end - w->start);
}

/* The lower-case word right before @p at, as [*ws, at'). */
static size_t word_before(const char *t, size_t at, size_t *ws)
{
	size_t e = at;

	while (e > 0 && t[e - 1] == ' ')
		e--;
	*ws = e;
	while (*ws > 0 && is_alnum((unsigned char)t[*ws - 1]))
		(*ws)--;
	return e - *ws;
}

static int is_article(const char *t, size_t ws, size_t n)
{
	return (n == 3 && lower((unsigned char)t[ws]) == 't' &&
	        t[ws + 1] == 'h' && t[ws + 2] == 'e') ||
	       (n == 1 && lower((unsigned char)t[ws]) == 'a') ||
	       (n == 2 && lower((unsigned char)t[ws]) == 'a' && t[ws + 1] == 'n');
}

/* Is the run starting a sentence a heading: capitalised words up to a
 * colon ("Domestic Production and Use: ...")? A dash may join two parts
 * ("Salient StatisticsâUnited States:"). */
static int heading(const char *t, size_t len, size_t i)
{
	while (i < len && (letter((unsigned char)t[i]) || t[i] == ' ' ||
	                   t[i] == ',' || t[i] == '&' ||
	                   dash_at(t, len, i))) {
		if (dash_at(t, len, i)) {
			i += 3;
			continue;
		}
		/* byte by byte, as strncmp() would, stopping at the first
		 * that differs */
		if (t[i] >= 'a' && t[i] <= 'z' &&
		    (i == 0 || !letter((unsigned char)t[i - 1])) &&
		    !(t[i] == 'a' && t[i + 1] == 'n' && t[i + 2] == 'd' &&
		      t[i + 3] == ' ') &&
		    !(t[i] == 'o' && t[i + 1] == 'f' && t[i + 2] == ' '))
			return 0;
		i++;
	}
	return i < len && t[i] == ':';
}

/* Decide what run @p r is, and add its mention. */
static int take_run(const struct lexicon *lx, struct tnames *tn,
                    const char *t, size_t len, const struct run *r,
                    uint32_t base, struct ment **v, size_t *n, size_t *cap)
{
	unsigned a = 0, b = r->n, mixed = 0;
	int k;
	int titled = 0, firm, person;
	size_t from, ws, wn, ef, el;
	const char *p;
	size_t pn;

	uint32_t first = 0, last;

	/* "US Airways", "France Telecom": a country before a one-word
	 * company name is part of it (the word alone names no one); before
	 * any other name it only qualifies it ("U.S. DOE", "UK Chancellor
	 * Gordon Brown", "the US Carnival Corporation") and stays a mention
	 * of its own */
	if (b > 1 && r->w[0].ment != SIZE_MAX &&
	    (*v)[r->w[0].ment].type == CDX_ENT_COUNTRY &&
	    (b > 2 ||
	     !(word_cls(lx, tn, t, len, &r->w[1]) & (1u << W_FIRM))))
		a = 1;
	/* one lookup per word gives every class it is in */
	while (a < b) {
		first = word_cls(lx, tn, t, len, &r->w[a]);
		/* a gazetteer name is none of these ("US" is no "Us") */
		if (r->w[a].ment != SIZE_MAX ||
		    !(first & (1u << W_NOTNAME | 1u << W_TITLE)))
			break;
		titled |= (first >> W_TITLE) & 1;
		a++;
	}
	/* "March Three" (a day, as the wires write it) and "Nine Mths" (a
	 * period: a number word before a word that is no count's noun)
	 * name no one */
	if (a < b && r->w[a].ment == SIZE_MAX &&
	    extract_lex_find(&lx->numbers, LEX_WORD, t + r->w[a].start,
	                     r->w[a].end - r->w[a].start)) {
		if (a + 1 < b && (word_cls(lx, tn, t, len, &r->w[a + 1]) &
		                  (1u << W_UNCOUNTED)))
			a += 2;
		else if (a > 0 &&
		         extract_lex_find(&lx->dates, D_MONTH,
		                          t + r->w[a - 1].start,
		                          r->w[a - 1].end - r->w[a - 1].start))
			a++;
		if (a < b)
			first = word_cls(lx, tn, t, len, &r->w[a]);
	}
	/* "Agriculture Minister Adamu Bello", "Bank of England Governor
	 * Mervyn King": a title inside the run ends a role; the name after
	 * it is a person's */
	for (unsigned j = a + 1; j + 1 < b; j++) {
		if (!(word_cls(lx, tn, t, len, &r->w[j]) & (1u << W_TITLE)))
			continue;
		while (j + 1 < b &&
		       (word_cls(lx, tn, t, len, &r->w[j + 1]) &
		        (1u << W_TITLE)))
			j++;
		if (j + 1 < b) {
			a = j + 1;
			titled = 1;
			first = word_cls(lx, tn, t, len, &r->w[a]);
		}
		break;
	}
	for (unsigned i = a; i < b; i++)
		mixed += r->w[i].mixed && r->w[i].ment == SIZE_MAX;
	if (a == b || mixed == 0 || number_follows(t, len, r->after))
		return CDX_OK;
	last = b - 1 == a ? first : word_cls(lx, tn, t, len, &r->w[b - 1]);
	/* "Defense Production Act" names a law, not who acts */
	if (last & (1u << W_DOC))
		return CDX_OK;
	from = r->w[a].start;
	p = t + from;
	pn = r->w[b - 1].end - from;
	wn = word_before(t, from, &ws);
	firm = (b - a > 1 && (last & (1u << W_FIRM))) ||
	       (wn && t[ws] >= 'a' && t[ws] <= 'z' &&
	        (text_cls(lx, tn, t, len, ws, wn) & (1u << W_FIRM)));
	person = !firm && (titled || (first & (1u << W_GIVEN)));
	run_edges(r, a, b, p, pn, &ef, &el);
	k = find_name(tn, p, pn, ef, el);
	if (k < 0) {
		/* A sentence's first word alone is capitalised anyway; a
		 * word alone after an article is a noun ("the Proclamation"). */
		if (b - a == 1 && !firm &&
		    ((a == 0 && extract_sentence_start(t, r->w[0].start) &&
		      !dash_follows(t, len, r->after)) ||
		     (wn && is_article(t, ws, wn))))
			return CDX_OK;
		if (tn->n == TNAME_MAX)
			return CDX_OK;
		k = (int)tn->n++;
		tn->v[k].p = p;
		tn->v[k].len = (uint32_t)pn;
		tn->v[k].first = (uint32_t)ef;
		tn->v[k].last = (uint32_t)el;
		tn->v[k].n_poss = tn->v[k].n_bare = 0;
		tn->v[k].person = (uint8_t)person;
		tn->v[k].firm = 0;
		tn->v[k].pooled = NULL;
	}
	if (firm) {
		tn->v[k].firm = 1;
		tn->v[k].person = 0;
	}
	for (unsigned i = a; i < b; i++)
		if (r->w[i].ment != SIZE_MAX)
			(*v)[r->w[i].ment].id = UINT32_MAX; /* part of the name */
	if (r->poss)
		tn->v[k].n_poss++;
	else
		tn->v[k].n_bare++;
	return add_mention(v, n, cap, (uint32_t)from, r->w[b - 1].end,
	                   base + (uint32_t)k, tn->v[k].person ?
	                   CDX_ENT_PERSON : CDX_ENT_COMPANY);
}

/* Is [t+i, t+i+n) a word that may join two capitalised words? */
static int joiner(const char *t, size_t i, size_t n)
{
	return (n == 2 && t[i] == 'o' && t[i + 1] == 'f') ||
	       (n == 1 && t[i] == '&');
}

/* Drop the mentions taken into a name, then sort the mentions appended
 * after the first @p n0 in among them; returns the new count. */
static size_t merge(struct ment *v, size_t n0, size_t n)
{
	size_t k = 0, m = 0;

	for (size_t i = 0; i < n; i++) {
		if (v[i].id == UINT32_MAX)
			continue;
		m += i < n0;
		v[k++] = v[i];
	}
	n0 = m;
	n = k;
	for (size_t i = n0; i < n; i++)
		for (size_t j = i; j > 0 && v[j - 1].start > v[j].start; j--) {
			struct ment tmp = v[j];

			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	return n;
}

/* Is [t, t+len) a headline in title case ("Pentagon Takes 15% Stake in MP
 * Materials to Secure Rare Earth Magnet Supply")? Its capitals say nothing
 * of names. Only a short line can be one. Its words of four letters and
 * more count: it is one when three or more of them are capitalised and
 * the others are at most a quarter of those. They are counted from the
 * text's masks @p bm, 64 bytes at a time. */
static int title_case(const struct masks *bm, size_t len)
{
	unsigned caps = 0, small = 0, upper = 0;

	if (len > TITLE_MAX)
		return 0;
	/* three capitals at least, or no headline: most lines have fewer */
	for (size_t k = 0; k < bm->n && upper < 3; k++)
		for (uint64_t u = bm->b[k].upper; u && upper < 3; u &= u - 1)
			upper++;
	if (upper < 3)
		return 0;
	for (size_t k = 0; k < bm->n; k++) {
		/* the letters of this block and the next (one block past
		 * the text's is clear) */
		uint64_t l0 = mask_letter(&bm->b[k]);
		uint64_t l1 = mask_letter(&bm->b[k + 1]);
		/* a letter starting four letters in a row */
		uint64_t four = l0 & (l0 >> 1 | l1 << 63) & (l0 >> 2 | l1 << 62) &
		                (l0 >> 3 | l1 << 61);
		uint64_t w = masks_word_starts(bm, k) & four;

		/* a few such words a block: a bit at a time beats a
		 * population count without the instruction */
		for (; w; w &= w - 1) {
			if (bm->b[k].upper & w & -w)
				caps++;
			else
				small++;
		}
	}
	return caps >= 3 && small * 4 <= caps;
}

int extract_tnames_scan(const struct lexicon *lx, struct tnames *tn,
                        const struct masks *bm, const char *t, size_t len,
                        uint32_t base, struct ment **v, size_t *n,
                        size_t *cap)
{
	size_t n0 = *n, m = 0, i = 0;
	size_t expect = 0; /* where the run's next word must start */
	int colon = -1;    /* does the text hold a ':'? -1: not known */
	struct run r;
	int rc = CDX_OK;

	if (title_case(bm, len))
		return CDX_OK;
	r.n = 0;
	while (i < len && rc == CDX_OK) {
		unsigned char c;
		size_t after;
		struct word w;

		/* outside a run only a capital can start one: most bytes of
		 * prose are skipped here without a look at anything else */
		if (r.n == 0) {
			i = masks_next_upper(bm, i, len);
			if (i == len)
				break;
		}
		c = (unsigned char)t[i];

		/* gazetteer names break runs, but for a capitalised
		 * commodity inside one ("Copper Development Association",
		 * "Orvale Copper") and a country opening one ("US Airways":
		 * take_run() keeps it only before a company's last word) */
		while (m < n0 && (*v)[m].end <= i)
			m++;
		if (m < n0 && (*v)[m].start <= i) {
			const struct ment *gm = &(*v)[m];

			if (gm->start == i && upper(c) && r.n < RUN_WORDS &&
			    ((gm->type == CDX_ENT_COMMODITY &&
			      (r.n ? i == expect && !r.poss :
			             !extract_sentence_start(t, i))) ||
			     (gm->type == CDX_ENT_COUNTRY && r.n == 0 &&
			      gm->end + 1 < len && t[gm->end] == ' ' &&
			      upper((unsigned char)t[gm->end + 1])))) {
				w.start = gm->start;
				w.end = gm->end;
				w.caps = 0;
				w.mixed = 1;
				w.ment = m;
				r.w[r.n++] = w;
				r.poss = 0;
				r.after = gm->end;
				i = gm->end;
				continue;
			}
			if (r.n)
				rc = take_run(lx, tn, t, len, &r, base, v, n, cap);
			r.n = 0;
			i = (*v)[m].end;
			continue;
		}
		if (!upper(c) || (i > 0 && (is_alnum((unsigned char)t[i - 1]) ||
		                            t[i - 1] == '-' || t[i - 1] == '\''))) {
			size_t j = i + 1;

			/* one space goes on to the next word of a run; "of"
			 * or "&" between two capitalised words joins them
			 * ("Bank of Korea"); anything else ends the run */
			if (r.n && c == ' ' && i == r.after) {
				expect = i + 1;
				i++;
				continue;
			}
			/* the word's letters and digits from the masks, an
			 * '&' among them byte by byte */
			if (is_alnum(c) || c == '&') {
				j = masks_run_end(bm, j, mask_alnum);
				while (j < len && (is_alnum((unsigned char)t[j]) ||
				                   t[j] == '&'))
					j++;
			}
			if (r.n && !r.poss && i == expect && joiner(t, i, j - i) &&
			    j + 1 < len && t[j] == ' ' &&
			    upper((unsigned char)t[j + 1])) {
				expect = j + 1;
				i = j + 1;
				continue;
			}
			if (r.n)
				rc = take_run(lx, tn, t, len, &r, base, v, n, cap);
			r.n = 0;
			i = j;
			continue;
		}
		if (r.n && i != expect) {
			rc = take_run(lx, tn, t, len, &r, base, v, n, cap);
			r.n = 0;
		}
		/* a heading ends at a colon: without one, none (looked for
		 * once, at the first run) */
		if (r.n == 0 &&
		    (colon < 0 ? (colon = memchr(t, ':', len) != NULL) :
		                 colon) &&
		    extract_sentence_start(t, i) && heading(t, len, i)) {
			/* "Domestic Production and Use:" names a section */
			while (t[i] != ':')
				i++;
			continue;
		}
		if (!cap_word(bm, t, len, i, &w, &after)) {
			if (r.n)
				rc = take_run(lx, tn, t, len, &r, base, v, n, cap);
			r.n = 0;
			while (i < len && !is_space((unsigned char)t[i]))
				i++;
			continue;
		}
		if (r.n == RUN_WORDS || (r.n && r.poss)) {
			rc = take_run(lx, tn, t, len, &r, base, v, n, cap);
			r.n = 0;
		}
		r.w[r.n++] = w;
		r.poss = after > w.end && t[w.end] != '.';
		r.after = after;
		i = after;
	}
	if (r.n && rc == CDX_OK)
		rc = take_run(lx, tn, t, len, &r, base, v, n, cap);
	if (rc == CDX_OK)
		*n = merge(*v, n0, *n);
	return rc;
}

size_t extract_tname_form(const struct tnames *tn, size_t k, char *out,
                          size_t cap)
{
	const struct tname *e = &tn->v[k];
	size_t n = e->len < cap ? e->len : cap - 1;

	memcpy(out, e->p, n);
	if (e->n_poss > e->n_bare && n + 2 < cap) {
		out[n++] = '\'';
		out[n++] = 's';
	}
	out[n] = '\0';
	return n;
}

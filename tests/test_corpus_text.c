/*
 * test_corpus_text.c — part of the corpus suite: sentence splitting (a
 * table of cases, exact paragraph spans, overlong sentences cut) and
 * tokenizing and folding (byte-exact offsets, Unicode letters and marks,
 * long tokens, folding with and without marks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "corpus.h"
#include "test_corpus.h"
#include "testutil.h"

/* ---- sentences -------------------------------------------------------- */

static const struct {
	const char *text;
	const char *want; /* sentences joined by '|' */
} split_rows[] = {
	{"Dr. Smith arrived. He left.", "Dr. Smith arrived.|He left."},
	{"The U.S. Army grew. It paid.", "The U.S. Army grew.|It paid."},
	{"Made in the U.S.\nThe next line.", "Made in the U.S.|The next line."},
	{"It weighed 3.5 tons. Then it fell.",
	 "It weighed 3.5 tons.|Then it fell."},
	{"See No. 7 on the list. Next.", "See No. 7 on the list.|Next."},
	{"Say no. Then go.", "Say no.|Then go."},
	{"It began on Jan. 5 in Paris. Rain fell.",
	 "It began on Jan. 5 in Paris.|Rain fell."},
	{"He said \"Stop.\" Then he left.", "He said \"Stop.\"|Then he left."},
	{"Metals, e.g. Copper, rose. Fine.",
	 "Metals, e.g. Copper, rose.|Fine."},
	{"J. Smith wrote it. Ok.", "J. Smith wrote it.|Ok."},
	{"Is it? Yes! Done.", "Is it?|Yes!|Done."},
	{"Prices rose 5%. 2024 was good.", "Prices rose 5%.|2024 was good."},
	{"First para.\n\nSecond para", "First para.|Second para"},
	{"HEADING\nThe text follows here.", "HEADING|The text follows here."},
	{"Prepared for Members and\nCommittees of Congress",
	 "Prepared for Members and\nCommittees of Congress"},
	{"List:\n- one item\n- two item", "List:|- one item|- two item"},
	{"wait... what happened", "wait... what happened"},
	{"Acme Inc. said so. Fine.", "Acme Inc. said so.|Fine."},
	{"Sales hit $5 bn. \xe2\x80\x9cGreat,\xe2\x80\x9d he said.",
	 "Sales hit $5 bn.|\xe2\x80\x9cGreat,\xe2\x80\x9d he said."},
	{"  Leading and trailing.   ", "Leading and trailing."},
	{"R\xc3\xa9union grew. \xc3\x89lan followed.",
	 "R\xc3\xa9union grew.|\xc3\x89lan followed."},
	{"It rose (by 4%). Then fell.", "It rose (by 4%).|Then fell."},
	{"the a.m. session ended. Then", "the a.m. session ended.|Then"},
	{"A line of a wrapped paragraph that is as long as\n"
	 "The next line of the same paragraph here.",
	 "A line of a wrapped paragraph that is as long as\n"
	 "The next line of the same paragraph here."},
	/* a line too long to be hard-wrapped ends a sentence before a
	 * capital, with no punctuation ... */
	{"The mine near the northern coast of Ruritania was sold in a deal "
	 "that its owners said they had agreed with the state after many "
	 "long months of talks, by 2031\nTarnvik is the second mine.",
	 "The mine near the northern coast of Ruritania was sold in a deal "
	 "that its owners said they had agreed with the state after many "
	 "long months of talks, by 2031|Tarnvik is the second mine."},
	/* ... but not after a glue word, nor a shorter, wrapped line */
	{"The mine near the northern coast of Ruritania was sold in a deal "
	 "that its owners said they had agreed with the state after many "
	 "long months of talks and\nTarnvik too.",
	 "The mine near the northern coast of Ruritania was sold in a deal "
	 "that its owners said they had agreed with the state after many "
	 "long months of talks and\nTarnvik too."},
	{"The plan, a federal strategy to ensure a secure and steady flow of "
	 "tin to the mills of the north, set out to Ensure Secure and "
	 "Reliable\nSupplies of Tin.",
	 "The plan, a federal strategy to ensure a secure and steady flow of "
	 "tin to the mills of the north, set out to Ensure Secure and "
	 "Reliable\nSupplies of Tin."},
	/* a running header: head lines that recur between two sentences
	 * are in no sentence, there and at the head */
	{"TIN NOTES\nU.S. Tin Survey, Northwind Trade Review, Spring 2030\n\n"
	 "Tin rose. Ore ran out. TIN NOTES U.S. Tin Survey, Northwind Trade "
	 "Review, Spring 2030 Smelters shut.",
	 "Tin rose.|Ore ran out.|Smelters shut."},
	/* ... or on lines of their own */
	{"Field Notes on the Tin Trade\n\nTin rose.\n"
	 "Field Notes on the Tin Trade\nTin fell.", "Tin rose.|Tin fell."},
	/* ... but not quoted inside a sentence */
	{"Northwind Trade Review, Spring 2030\n\nIt ran in Northwind Trade "
	 "Review, Spring 2030 and sold.",
	 "Northwind Trade Review, Spring 2030|It ran in Northwind Trade "
	 "Review, Spring 2030 and sold."},
	/* ... nor as part of a longer word */
	{"Northwind Trade Review 2030\n\nTin rose. Northwind Trade Review "
	 "20301 Tin fell.", "Northwind Trade Review 2030|Tin rose.|Northwind "
	 "Trade Review 20301 Tin fell."},
	/* a short head line alone is no header; a sentence is none */
	{"COBALT\n\nIt rose. COBALT Prices fell.",
	 "COBALT|It rose.|COBALT Prices fell."},
	{"Tin prices rose again this week.\n\nTin prices rose again this "
	 "week.", "Tin prices rose again this week.|Tin prices rose again "
	 "this week."},
	/* nor a row of figures repeated in a table */
	{"Shr diluted 1.95 dlrs vs 1.99 dlrs\n\nNet 5 vs 4\n\nYear\n\n"
	 "Shr diluted 1.95 dlrs vs 1.99 dlrs",
	 "Shr diluted 1.95 dlrs vs 1.99 dlrs|Net 5 vs 4|Year|Shr diluted 1.95 "
	 "dlrs vs 1.99 dlrs"},
	/* nor a repeated paragraph of prose, line by line */
	{"He said the fund will get \"cuts.\"\n\nIt fell. He said the fund "
	 "will get \"cuts.\"\n\nIt rose.",
	 "He said the fund will get \"cuts.\"|It fell.|He said the fund will "
	 "get \"cuts.\"|It rose."},
	{"Tin rose. Ore ran out\n\nIt fell. Tin rose. Ore ran out\n\nIt "
	 "rose.", "Tin rose.|Ore ran out|It fell.|Tin rose.|Ore ran out|It "
	 "rose."},
	{"", ""},
};

START_TEST(sentences_split_on_the_table)
{
	struct cdx_doc *d = NULL;
	struct cdx_error err = CDX_ERROR_INIT;
	char got[512] = "";
	size_t k = 0;

	ck_assert_int_eq(cdx_doc_new(&d, "s", NULL, NULL, split_rows[_i].text,
	                             strlen(split_rows[_i].text), &err),
	                 CDX_OK);
	for (size_t i = 0; i < d->n_sents; i++)
		k += (size_t)snprintf(got + k, sizeof got - k, "%s%s",
		                      i ? "|" : "", corpus_test_sent(d, i));
	ck_assert_str_eq(got, split_rows[_i].want);
	cdx_doc_free(d);
}
END_TEST

START_TEST(paragraph_spans_are_exact)
{
	struct cdx_doc *d = NULL;
	const char *t = "a b\n\n \t\n\nc\r\n\r\nd\ne  \n";

	ck_assert_int_eq(cdx_doc_new(&d, "p", NULL, NULL, t, strlen(t), NULL),
	                 CDX_OK);
	ck_assert_uint_eq(d->n_paras, 3);
	ck_assert_uint_eq(d->paras[0].start, 0);
	ck_assert_uint_eq(d->paras[0].end, 3);
	ck_assert_uint_eq(d->paras[1].start, 9);
	ck_assert_uint_eq(d->paras[1].end, 10);
	ck_assert_uint_eq(d->paras[2].start, 14);
	ck_assert_uint_eq(d->paras[2].end, 17);
	cdx_doc_free(d);
}
END_TEST

START_TEST(overlong_sentence_is_cut)
{
	struct cdx_doc *d = NULL;
	size_t n = 20000;
	char *t = malloc(n);

	for (size_t i = 0; i < n; i++)
		t[i] = i % 10 == 9 ? ' ' : 'w';
	ck_assert_int_eq(cdx_doc_new(&d, "l", NULL, NULL, t, n, NULL), CDX_OK);
	ck_assert_uint_ge(d->n_sents, 3);
	for (size_t i = 0; i < d->n_sents; i++) {
		ck_assert_uint_le(d->sents[i].end - d->sents[i].start, 8192);
		ck_assert_int_ne(d->text[d->sents[i].start], ' ');
	}
	cdx_doc_free(d);
	free(t);
}
END_TEST

/* A text that repeats its head line everywhere but never between two
 * sentences: the search for running headers is bounded and cuts nothing;
 * one that repeats it between sentences loses every copy. */
START_TEST(running_header_search_is_bounded)
{
	struct cdx_doc *d = NULL;
	const char *head = "Ab Ab Ab Ab Ab Ab Ab Ab\n";
	size_t n = 1 << 20, k = strlen(head);
	char *t = malloc(n + 1);

	memcpy(t, head, k);
	memcpy(t + k, "x ", 2);
	for (size_t i = k + 2; i < n; i++)
		t[i] = "Ab "[(i - k - 2) % 3];
	ck_assert_int_eq(cdx_doc_new(&d, "a", NULL, NULL, t, n, NULL), CDX_OK);
	ck_assert_uint_ge(d->n_sents, 2);
	ck_assert_uint_eq(d->sents[0].start, 0);
	cdx_doc_free(d);
	/* "Ab Ab ... Ab\n\nTin fell. Ab Ab ... Ab Tin fell. Ab ..." */
	memcpy(t, head, 24);
	t[24] = '\n';
	k = 25;
	for (int r = 0; r < 2000; r++) {
		memcpy(t + k, "Tin fell. ", 10);
		memcpy(t + k + 10, head, 23);
		t[k + 33] = ' ';
		k += 34;
	}
	ck_assert_int_eq(cdx_doc_new(&d, "b", NULL, NULL, t, k, NULL), CDX_OK);
	ck_assert_uint_eq(d->n_sents, 2000);
	for (size_t i = 0; i < d->n_sents; i++)
		ck_assert_str_eq(corpus_test_sent(d, i), "Tin fell.");
	cdx_doc_free(d);
	free(t);
}
END_TEST

/* ---- tokens and folding ----------------------------------------------- */

struct toks {
	char buf[1024];
	size_t k, n;
	const char *text;
	int stop;
};

static int on_token(void *ctx, const char *folded, size_t n, uint32_t start,
                    uint32_t end)
{
	struct toks *t = ctx;

	ck_assert_uint_eq(strlen(folded), n);
	ck_assert_uint_le(n, 64);
	t->k += (size_t)snprintf(t->buf + t->k, sizeof t->buf - t->k,
	                         "%s%s@%u-%u=%.*s", t->n ? " " : "", folded,
	                         start, end, (int)(end - start),
	                         t->text + start);
	t->n++;
	return t->stop && (int)t->n == t->stop ? 7 : 0;
}

START_TEST(tokens_have_byte_exact_offsets)
{
	const char *s = "R\xc3\xa9union's 1,234.5 U.S. don\xe2\x80\x99t, "
	                "state-of-the-art -x- 3.5% end.";
	struct toks t = {.text = s};

	ck_assert_int_eq(cdx_corpus_tokenize(s, strlen(s), on_token, &t), 0);
	ck_assert_str_eq(t.buf,
	                 "r\xc3\xa9union's@0-10=R\xc3\xa9union's "
	                 "1,234.5@11-18=1,234.5 u.s@19-22=U.S "
	                 "don't@24-31=don\xe2\x80\x99t "
	                 "state-of-the-art@33-49=state-of-the-art x@51-52=x "
	                 "3.5@54-57=3.5 end@59-62=end");
}
END_TEST

START_TEST(tokens_unicode_letters_and_marks)
{
	/* decomposed e + U+0301, Greek, CJK, fullwidth digits, ligature */
	const char *s = "Cafe\xcc\x81 \xce\x91\xce\xb8\xce\xae\xce\xbd\xce\xb1 "
	                "\xe5\x8c\x97\xe4\xba\xac \xef\xbc\x91\xef\xbc\x92 "
	                "\xef\xac\x81nance";
	struct toks t = {.text = s};

	ck_assert_int_eq(cdx_corpus_tokenize(s, strlen(s), on_token, &t), 0);
	ck_assert_uint_eq(t.n, 5);
	ck_assert_ptr_nonnull(strstr(t.buf, "caf\xc3\xa9@0-6="));
	ck_assert_ptr_nonnull(strstr(t.buf, "\xce\xb1\xce\xb8\xce\xae\xce\xbd"
	                                    "\xce\xb1@7-17="));
	ck_assert_ptr_nonnull(strstr(t.buf, "12@25-31="));
	ck_assert_ptr_nonnull(strstr(t.buf, "finance@32-40="));
}
END_TEST

START_TEST(long_token_is_cut_and_stop_is_returned)
{
	char s[200];
	struct toks t = {.text = s};

	memset(s, 'A', 150);
	memcpy(s + 150, " bb cc dd", 10);
	ck_assert_int_eq(cdx_corpus_tokenize(s, strlen(s), on_token, &t), 0);
	ck_assert_uint_eq(t.n, 4);
	ck_assert_ptr_nonnull(strstr(t.buf, "@0-150="));
	memset(&t, 0, sizeof t);
	t.text = s;
	t.stop = 2;
	ck_assert_int_eq(cdx_corpus_tokenize(s, strlen(s), on_token, &t), 7);
	ck_assert_uint_eq(t.n, 2);
}
END_TEST

static const struct {
	const char *in;
	int strip;
	size_t cap;
	const char *want;
} fold_rows[] = {
	{"R\xc3\xa9union", 0, 64, "r\xc3\xa9union"},
	{"R\xc3\xa9union", 1, 64, "reunion"},
	{"\xc3\x80\xc3\x89\xc3\x8e\xc3\x95\xc3\x9c", 1, 64, "aeiou"},
	{"Stra\xc3\x9f" "e", 0, 64, "strasse"},
	{"e\xcc\x81t\xc3\xa9", 0, 64, "\xc3\xa9t\xc3\xa9"},
	{"CO\xc2\xad" "OPERATION", 0, 64, "cooperation"},
	{"don\xe2\x80\x99t", 0, 64, "don't"},
	{"\xc3\xa9\xc3\xa9\xc3\xa9", 0, 4, "\xc3\xa9"},
	{"ABCDEF", 0, 4, "abc"},
	{"\xce\xa3\xce\x99\xce\xa3", 0, 64, "\xcf\x83\xce\xb9\xcf\x83"},
	{"bad\xff" "byte", 0, 64, "badbyte"},
	{"", 0, 64, ""},
};

START_TEST(fold_with_and_without_marks)
{
	char out[64];
	size_t n = cdx_corpus_fold(fold_rows[_i].in, strlen(fold_rows[_i].in),
	                           out, fold_rows[_i].cap, fold_rows[_i].strip);

	ck_assert_str_eq(out, fold_rows[_i].want);
	ck_assert_uint_eq(n, strlen(fold_rows[_i].want));
}
END_TEST

TCase *corpus_sentences_tcase(void)
{
	TCase *tc = tcase_create("sentence splitting");

	tcase_add_loop_test(tc, sentences_split_on_the_table, 0,
	                    sizeof split_rows / sizeof split_rows[0]);
	tcase_add_test(tc, paragraph_spans_are_exact);
	tcase_add_test(tc, overlong_sentence_is_cut);
	tcase_add_test(tc, running_header_search_is_bounded);
	return tc;
}

TCase *corpus_tokens_tcase(void)
{
	TCase *tc = tcase_create("tokens and folding");

	tcase_add_test(tc, tokens_have_byte_exact_offsets);
	tcase_add_test(tc, tokens_unicode_letters_and_marks);
	tcase_add_test(tc, long_token_is_cut_and_stop_is_returned);
	tcase_add_loop_test(tc, fold_with_and_without_marks, 0,
	                    sizeof fold_rows / sizeof fold_rows[0]);
	return tc;
}

/*
 * corpus_int.h — what the .c files of corpus/ share and nothing outside
 * corpus/ may include. One banner section per file, as in SQLite's
 * fts5Int.h.
 *
 * The one idea: every reader turns its input into a UTF-8 text in a
 * struct cdx_buf, then hands it to corpus_emit(), which wraps it in a
 * struct cdx_doc (taking the bytes, no copy), repairs invalid UTF-8 in
 * place with a same-length substitute (so offsets never shift), splits
 * paragraphs and sentences and calls the caller's callback.
 */
#ifndef CDX_CORPUS_INT_H
#define CDX_CORPUS_INT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include "cdx_buf.h"
#include "corpus.h"

/* Largest document text we build: offsets are uint32_t. */
#define CORPUS_TEXT_MAX ((size_t)UINT32_MAX - 1)

/* ---- read.c: the state one read of one input carries ---------------- */

struct corpus_reader {
	const char *source;                  /* path or name, for messages */
	const struct cdx_read_options *opts; /* never NULL here */
	cdx_doc_fn fn;
	void *ctx;
	struct cdx_error *err;
	size_t n_docs;     /* documents handed to fn */
	size_t text_max;   /* cap on one document's text */
	size_t part_max;   /* texts longer than this are emitted in parts */
	int utf8_override; /* input was transcoded: tell libxml2 it is UTF-8 */
	/* a streamed input is read piece by piece (stream.c): where the
	 * current piece starts, so that messages and item numbers are the
	 * file's and not the piece's */
	uint64_t byte0;    /* input bytes before this piece */
	size_t line0;      /* JSON Lines: lines before this piece */
	size_t item0;      /* SGML: articles before this piece */
	uint64_t total;    /* input bytes read so far (stream.c) */
	uint64_t size_hint; /* a regular file's size when known, else 0:
	                     * reading stops there (no read to see EOF) */
	/* the buffer a whole input was read into when the reader may free
	 * it once parsed (corpus_input_release), else NULL */
	struct cdx_buf *input;
};

/*
 * Wrap @p text (its bytes are taken: the buffer is left empty) in a
 * document with the given metadata (copied; each may be NULL), repair and
 * split it, report repairs through r->opts->warn and call r->fn.
 * @p item_source overrides r->source as the document's source when set.
 * An empty or all-whitespace text is not emitted (returns CDX_OK).
 * @return CDX_OK, CDX_ERR_NOMEM, or the value fn returned to stop.
 */
int corpus_emit(struct corpus_reader *r, struct cdx_buf *text,
                const char *item_source, const char *title,
                const char *date, const char *url, enum cdx_format format);

/*
 * The core of corpus_emit() for one document or one part of a long text:
 * @p part 0 for a whole document, else its number (the source gets
 * "#partN" and the title " (part N)"); @p base is the part's offset in
 * the whole text. Takes @p text's bytes as corpus_emit() does.
 */
int corpus_emit_doc(struct corpus_reader *r, struct cdx_buf *text,
                    const char *item_source, const char *title,
                    const char *date, const char *url, enum cdx_format format,
                    unsigned part, uint64_t base);

/* Report a problem that does not stop the read: "'source': <msg>". */
void corpus_warn(struct corpus_reader *r, const char *fmt, ...)
	CDX_PRINTF(2, 3);

/* ---- part.c: long texts as consecutive part-documents --------------- */

/*
 * Where to end a part of [s, s+n) (n > max) of at most @p max bytes: just
 * after the last paragraph break in the last half of the cap, else after
 * the last sentence end, line end or space there, else at the last UTF-8
 * character boundary at or before max. Never 0 when max >= 4.
 */
size_t corpus_part_cut(const char *s, size_t n, size_t max);

/*
 * Emit [s, s+n) (copied) as part @p part (>= 1) starting at @p base of
 * the whole text, with the metadata of the whole. As corpus_emit().
 */
int corpus_emit_part(struct corpus_reader *r, const char *s, size_t n,
                     unsigned part, uint64_t base, const char *item_source,
                     const char *title, const char *date, const char *url,
                     enum cdx_format format);

/* corpus_emit() for a text longer than r->part_max: parts 1, 2, ... */
int corpus_emit_parts(struct corpus_reader *r, struct cdx_buf *text,
                      const char *item_source, const char *title,
                      const char *date, const char *url,
                      enum cdx_format format);

/* ---- stream.c: inputs longer than the part cap, read in pieces ------- */

/*
 * Read from @p fd, appending to @p b, until b holds @p want bytes or the
 * input ends (then *eof is set): read() returns 0, or r->total reaches
 * r->size_hint (a regular file is read as large as it was when the
 * caller fstat()ed it). r->total counts the bytes read; past
 * r->opts->max_bytes the read fails with CDX_ERR_LIMIT ("file is larger
 * than the N MiB limit"). @return CDX_OK, CDX_ERR_IO, CDX_ERR_LIMIT or
 * CDX_ERR_NOMEM, with r->err set.
 */
int corpus_read_more(struct corpus_reader *r, int fd, struct cdx_buf *b,
                     size_t want, int *eof);

/*
 * Go on reading @p fd, whose first bytes (more than r->part_max) are in
 * @p head, as cdx_corpus_read_file() does: plain text, JSON Lines and
 * SGML piece by piece, about r->part_max bytes at a time, never whole;
 * HTML, XML and UTF-16 whole (libxml2 and the transcoder need all of it),
 * up to r->opts->max_bytes. @p head is released.
 */
int corpus_stream(struct corpus_reader *r, int fd, struct cdx_buf *head);

/*
 * Free the input buffer (r->input) if there is one: a reader that has
 * parsed the input into a tree calls it so that the page and the tree
 * built from it are not both held while the text is gathered. The data
 * the reader was given is invalid afterwards. NULL input is a no-op.
 */
void corpus_input_release(struct corpus_reader *r);

/*
 * Give freed heap pages back to the system after a reader freed a large
 * parse tree (@p page_len: the page it was built from; nothing is done
 * for a page under 4 MiB). glibc keeps the freed nodes of a tree, many
 * small blocks, resident otherwise; elsewhere a no-op.
 */
void corpus_heap_trim(size_t page_len);

/* ---- read.c: entry points ------------------------------------------- */

/* Set up @p r for one input (opts NULL means defaults). */
void corpus_reader_init(struct corpus_reader *r, const char *source,
                        const struct cdx_read_options *opts, cdx_doc_fn fn,
                        void *ctx, struct cdx_error *err);

/* cdx_corpus_read_buffer() with the reader set up: checks (empty, size,
 * binary), transcoding, format detection, then the format's reader. */
int corpus_read_whole(struct corpus_reader *r, const char *data, size_t len);

/* "'source': file is larger than the 64 MiB limit"; returns LIMIT. */
int corpus_too_large(struct cdx_error *err, const char *source, size_t max);

/* ---- doc.c: UTF-8 repair and document helpers ----------------------- */

/*
 * Repair @p s in place: every byte of an invalid UTF-8 sequence and every
 * NUL becomes a space, a leading UTF-8 BOM becomes three spaces. The
 * length never changes. Counts repairs in doc->n_warnings and describes
 * the first in doc->warning (@p doc may be NULL: repair only).
 */
void corpus_utf8_repair(struct cdx_doc *doc, char *s, size_t len);

/* Length in bytes of the valid UTF-8 sequence at s (at most n), 0 if none. */
size_t corpus_utf8_seqlen(const unsigned char *s, size_t n);

/* strdup of [s, s+n), NULL when s is NULL; *oom set on failure. */
char *corpus_strndup(const char *s, size_t n, int *oom);

/* ---- charset.c: UTF-16 and legacy 8-bit text to UTF-8 --------------- */

/* UTF-16 with a byte order mark (at p[0..1]) → malloc'ed, NUL-terminated
 * UTF-8; lone surrogates and an odd last byte become U+FFFD. NULL when
 * out of memory. */
char *corpus_utf16_to_utf8(const unsigned char *p, size_t len,
                           size_t *outlen);

/* Windows-1252 (hence ISO-8859-1) → malloc'ed, NUL-terminated UTF-8; the
 * five bytes the code page leaves undefined become U+FFFD. NULL when out
 * of memory. */
char *corpus_cp1252_to_utf8(const unsigned char *p, size_t len,
                            size_t *outlen);

enum corpus_charset {
	CORPUS_UTF8 = 0,     /* valid UTF-8 (ASCII included) */
	CORPUS_UTF8_DAMAGED, /* UTF-8 with some invalid bytes: repair them */
	CORPUS_LEGACY,       /* bytes >= 0x80, none valid UTF-8: Windows-1252 */
};

/* Which of the above @p data is; *first_bad is the offset of the first
 * byte that is not valid UTF-8 (0 when there is none). */
enum corpus_charset corpus_guess_charset(const char *data, size_t len,
                                         size_t *first_bad);

/* Does an XML declaration at the start of the first @p n bytes of @p data
 * (<?xml ... ?>) name an encoding? */
int corpus_xml_decl_encoding(const char *data, size_t n);

/* ---- tokenize.c: the tokenizer's block classes --------------------- */

/* Bytes classified at once by corpus_tok_block(). */
#define CORPUS_TOK_BLOCK 64

/* A block's bytes by class, bit k for byte k. */
struct corpus_tok_bits {
	uint64_t word; /* ASCII letter or digit */
	uint64_t high; /* >= 0x80 */
	uint64_t conn; /* ASCII connector: ' , - . */
};

/* Classify the CORPUS_TOK_BLOCK bytes at @p p into *b.
 * corpus_tok_block() uses SSE2 where the compiler targets it, else is
 * corpus_tok_block_scalar(), the byte-at-a-time definition (both exist so
 * that tests can compare them). */
void corpus_tok_block(const unsigned char *p, struct corpus_tok_bits *b);
void corpus_tok_block_scalar(const unsigned char *p,
                             struct corpus_tok_bits *b);

/* ---- date.c: dates to ISO 8601 prefixes ----------------------------- */

/*
 * Normalise a date written as ISO 8601 (2025-08-18, 2025-08, 2025,
 * 20250408, with any time after), RFC 822 (Tue, 10 Jun 2003 04:00:00
 * GMT), Reuters (26-FEB-1987 15:01:01.79) or English prose (June 10, 2003;
 * 10 June 2003) into @p out ("YYYY-MM-DD", "YYYY-MM" or "YYYY").
 * @return 1 when a date was recognised, else 0 (out is then "").
 */
int corpus_date_norm(const char *s, size_t n, char out[11]);

/*
 * As corpus_date_norm(), and sets *@p used to the bytes the date took
 * from @p s (leading blanks included; 0 when there is no date), so that a
 * caller can tell a line that is a date from a date that opens a sentence.
 */
int corpus_date_span(const char *s, size_t n, char out[11], size_t *used);

/*
 * Year, month (0: none) and day (0: none) as corpus_date_norm() writes
 * them. @return 0 (out "") when they are no date (month 13, year 99).
 */
int corpus_date_norm_ymd(unsigned y, unsigned m, unsigned d, char out[11]);

/* ---- detect.c ------------------------------------------------------- */

/*
 * Nonzero when @p data looks binary (a file signature, or many NUL or
 * control bytes). When @p why is not NULL it gets what gave it away and
 * where: "PNG signature at byte 0", "control byte 0x01 at byte 12".
 */
int corpus_is_binary(const char *data, size_t len, char *why, size_t cap);

/* cdx_corpus_detect() for an input already known not to be binary
 * (corpus_is_binary() said 0): the same answer without a second scan. */
enum cdx_format corpus_detect_text(const char *name, const char *data,
                                   size_t len);

/* ---- html.c: libxml2 trees to text ---------------------------------- */

/*
 * Builds text from a libxml2 tree: whitespace runs collapse to one space,
 * block elements become paragraph breaks ("\n\n"), <br> a line break.
 */
struct corpus_walk {
	struct cdx_buf *out;
	int pending; /* break owed before the next text: WALK_* */
	int generic; /* generic XML: every non-inline element is a block */
	int pre;     /* inside <pre>: newlines are line breaks */
};

enum { WALK_NONE = 0, WALK_SPACE, WALK_LINE, WALK_PARA };

struct _xmlNode;
struct _xmlParserCtxt;

/* Append the text under @p node (itself included) to w->out. */
int corpus_walk_tree(struct corpus_walk *w, struct _xmlNode *node);

/* Append text (not markup) with whitespace collapsed. */
int corpus_walk_text(struct corpus_walk *w, const char *s, size_t n);

/* Owe a break of at least @p level before the next text. */
void corpus_walk_break(struct corpus_walk *w, int level);

/*
 * Parse @p s as an HTML fragment (escaped HTML inside a feed item) and
 * append its text. Scripts and the like are dropped as for a page.
 */
int corpus_walk_html_string(struct corpus_walk *w, const char *s, size_t n);

/*
 * The text of the text and CDATA nodes under @p n, in order, appended to
 * @p out. Unlike xmlNodeGetContent() it never expands entity references
 * (an entity bomb would expand there even though the parser did not).
 */
int corpus_node_text(const struct _xmlNode *n, struct cdx_buf *out);

/*
 * The text of the UTF-8 XML file @p data[0, @p len) at the file's own
 * byte offsets, into @p out (cleared first): markup blanked with spaces, a
 * tag's first byte a newline, CDATA content kept, predefined and numeric
 * character references decoded in place and padded (xmltext.c).
 * @return CDX_OK, or CDX_ERR_NOMEM (also when @p out's cap is below
 * @p len).
 */
int corpus_xml_blank(const char *data, size_t len, struct cdx_buf *out);

/*
 * The node after @p n in document order within the subtree of @p root,
 * or NULL when the subtree is done. With @p down 0 the children of @p n are
 * skipped (a reader that consumed @p n whole). Iterative, so a document
 * nested 100,000 deep costs no stack. Like strchr() it returns a mutable
 * node of a tree it was given as const: the tree is the caller's.
 */
struct _xmlNode *corpus_node_next(const struct _xmlNode *root,
                                  const struct _xmlNode *n, int down);

/*
 * libxml2 2.9.14 reports some errors (a failed charset conversion, say)
 * outside any parser context, on its generic channel, which prints to
 * stderr. There is no per-context handler to catch those, so each parse
 * runs between corpus_xml_quiet() and corpus_xml_restore(), which swap in
 * a silent handler for the calling thread only and put the caller's back.
 */
struct corpus_xml_quiet {
	void *ctx;
	void (*fn)(void *ctx, const char *msg, ...);
};
void corpus_xml_quiet(struct corpus_xml_quiet *q);
void corpus_xml_restore(const struct corpus_xml_quiet *q);

/* libxml2's last error for @p ctxt as "message (line N)", one line. */
void corpus_xml_error(struct _xmlParserCtxt *ctxt, char *buf, size_t cap);

/* The page reader: one document per HTML input. */
int corpus_read_html(struct corpus_reader *r, const char *data, size_t len);

/* ---- xml.c, sgml.c, jsonl.c, text.c: the other readers -------------- */

int corpus_read_xml(struct corpus_reader *r, const char *data, size_t len);
int corpus_read_sgml(struct corpus_reader *r, const char *data, size_t len);
int corpus_read_jsonl(struct corpus_reader *r, const char *data, size_t len);
int corpus_read_text(struct corpus_reader *r, const char *data, size_t len);

/* A plain-text title is shorter than this, in bytes. */
#define CORPUS_TITLE_LINE_MAX 120

/*
 * The metadata at the top of a plain text: a "Date:" line within the
 * first few lines gives @p date ("" when none; returns whether there was
 * one), and the first other line, when short and not a sentence, is
 * appended to @p title (left empty otherwise, or released when it cannot
 * grow).
 */
int corpus_text_header(const char *data, size_t len, struct cdx_buf *title,
                       char date[11]);

/* ---- json.c: a small strict JSON reader for one line ---------------- */

/* The string members of one JSON Lines record that claimdex uses. */
struct corpus_json_rec {
	struct cdx_buf text, title, date, url;
	unsigned have; /* JSON_HAVE_* bits: which members were strings */
};

enum {
	JSON_HAVE_TEXT = 1 << 0,
	JSON_HAVE_TITLE = 1 << 1,
	JSON_HAVE_DATE = 1 << 2,
	JSON_HAVE_URL = 1 << 3,
};

/*
 * Parse [s, s+n) as exactly one JSON object (whitespace around allowed)
 * and decode its top-level string members text, title, date and url into
 * @p rec (cleared first; NULL only validates). Other members of any type
 * are validated and skipped. @return CDX_OK; CDX_ERR_FORMAT with *where
 * the offset of the first offending byte; CDX_ERR_NOMEM or CDX_ERR_LIMIT
 * from the buffers.
 */
int corpus_json_parse(struct corpus_json_rec *rec, const char *s, size_t n,
                      size_t *where);

#endif

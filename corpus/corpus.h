/*
 * corpus.h — from bytes to documents: format detection, readers (plain
 * text, HTML, XML/RSS/Atom feeds, Reuters-style SGML collections, JSON
 * Lines), sentence splitting and tokenizing.
 *
 * A file may hold one document (text, HTML) or many (a feed, a JSON Lines
 * file, an SGML collection), so readers hand documents to a callback. The
 * document's text is UTF-8 and every other position in claimdex (sentence
 * spans, token offsets, claim spans) is a byte offset into it.
 *
 * corpus/ knows nothing of extraction or of the index.
 */
#ifndef CDX_CORPUS_H
#define CDX_CORPUS_H

#include <stddef.h>
#include <stdint.h>

#include "cdx_error.h"

/** Input formats. CDX_FMT_AUTO asks the reader to sniff content + name. */
enum cdx_format {
	CDX_FMT_AUTO = 0,
	CDX_FMT_TEXT,  /**< plain text or Markdown: one document */
	CDX_FMT_HTML,  /**< an HTML page: one document */
	CDX_FMT_XML,   /**< RSS 2.0 / Atom feed (a document per item) or a
	                    generic XML article (one document) */
	CDX_FMT_SGML,  /**< a collection of <REUTERS> articles */
	CDX_FMT_JSONL, /**< JSON Lines: one article per line */
};

/** Lowercase name of a format ("text", "html", ...). Never NULL. */
const char *cdx_format_name(enum cdx_format f);

/** A byte span [start, end) in a document's text. */
struct cdx_span {
	uint32_t start;
	uint32_t end;
};

/**
 * One document. Every pointer member is owned by the document and freed by
 * cdx_doc_free(). Offsets are bytes into @c text.
 */
struct cdx_doc {
	char *source;   /**< path as given, "path#N" for the Nth item of a
	                     collection, or the item's URL when it has one */
	char *title;    /**< title or NULL */
	char *date;     /**< ISO 8601 prefix ("2025-08-18", "2025-08") or NULL */
	char *url;      /**< URL given by the input, or NULL */
	enum cdx_format format; /**< format it was read as */
	char *text;     /**< extracted UTF-8 text, NUL-terminated */
	size_t len;     /**< bytes in text, excluding the NUL */
	struct cdx_span *paras; /**< paragraph spans, in order */
	size_t n_paras;
	struct cdx_span *sents; /**< sentence spans, in order, within text */
	size_t n_sents;
	unsigned n_warnings;   /**< repairs made (invalid UTF-8, NUL bytes...) */
	char warning[256];     /**< the first warning, naming the byte offset */
	unsigned part;  /**< 0 for a whole input or item; N >= 1 for the Nth
	                     part of one whose text was longer than the part
	                     cap (source "...#partN", title "... (part N)") */
	uint64_t base;  /**< where this part's text starts in the whole text,
	                     in bytes (0 for a whole document): for a UTF-8
	                     plain-text file, base + offset is the file's byte */
};

/** Free a document and everything it owns. NULL is accepted. */
void cdx_doc_free(struct cdx_doc *doc);

/**
 * Called once per document read. The callee takes ownership of @p doc and
 * must free it with cdx_doc_free(). Return CDX_OK to go on; any other value
 * stops the reader, which returns that value unchanged.
 */
typedef int (*cdx_doc_fn)(void *ctx, struct cdx_doc *doc);

/**
 * Called for a problem that does not stop the read: an item of a feed that
 * is skipped, a JSON line that is not JSON, a repair of invalid UTF-8.
 * @p msg names the source and the byte offset or line; it is valid only for
 * the duration of the call.
 */
typedef void (*cdx_warn_fn)(void *ctx, const char *msg);

struct cdx_buf;

/** Options for the readers; NULL means CDX_READ_OPTIONS_INIT. */
struct cdx_read_options {
	unsigned version;       /**< CDX_READ_OPTIONS_VERSION */
	enum cdx_format format; /**< CDX_FMT_AUTO to detect */
	size_t max_bytes;       /**< reject inputs larger than this */
	cdx_warn_fn warn;       /**< may be NULL */
	void *warn_ctx;
	size_t part_max;        /**< longest document text; a longer one is cut
	                             into parts. 0 means CDX_DOC_PART_MAX
	                             (read only when version >= 2) */
	struct cdx_buf *scratch; /**< NULL, or the caller's buffer (cdx_buf.h,
	                             any cap) that files are read into and that
	                             keeps its memory in between, so that the
	                             next file reuses its pages: a file of a
	                             megabyte or more otherwise gets fresh
	                             memory, every page faulted in (Reuters:
	                             a fifth of an ingest's page faults). It
	                             keeps at most CDX_READ_SCRATCH_KEEP bytes.
	                             One read at a time; the caller releases
	                             it (read only when version >= 3) */
};

#define CDX_READ_OPTIONS_VERSION 3
/** Largest allocation options.scratch keeps after a read (a file read
 *  whole within the part cap fits); a larger one is freed. */
#define CDX_READ_SCRATCH_KEEP ((size_t)8 << 20)
/** Default cap on one input file: 64 MiB. */
#define CDX_READ_MAX_BYTES ((size_t)64 << 20)
/**
 * Default cap on one document's text: 4 MiB. A longer text (a book-sized
 * .txt, a huge page) becomes consecutive part-documents, cut at a
 * paragraph break (else a sentence end, a line end, a space) in the last
 * half of the cap, so that memory downstream (extraction, one document's
 * postings) stays bounded whatever the input. Plain text, JSON Lines and
 * SGML files longer than the cap are read in pieces of about this size,
 * never whole.
 */
#define CDX_DOC_PART_MAX ((size_t)4 << 20)
#define CDX_READ_OPTIONS_INIT                                                  \
	{CDX_READ_OPTIONS_VERSION, CDX_FMT_AUTO, CDX_READ_MAX_BYTES, NULL, NULL, \
	 0, NULL}

/**
 * Guess the format of @p data (its first bytes suffice) with @p name (a
 * path, may be NULL) as a hint. Content wins over the extension: an
 * ".html" file that is really plain text is read as text. Binary content
 * (a PDF, image or archive signature, or many NUL/control bytes), which no
 * reader accepts, gives CDX_FMT_AUTO.
 */
enum cdx_format cdx_corpus_detect(const char *name, const char *data,
                                  size_t len);

/**
 * Prepare the XML library the readers use. Call once from the main thread
 * before reading on several threads at a time; single-threaded programs
 * need not call it. Readers themselves keep no global state, so reads on
 * different threads (each with its own callback) are then safe.
 */
void cdx_corpus_init(void);

/**
 * Read one file and call @p fn for each document in it. @p path "-" reads
 * standard input.
 *
 * @return CDX_OK; CDX_ERR_IO when the file cannot be opened or read;
 *   CDX_ERR_LIMIT when it is larger than opts->max_bytes; CDX_ERR_FORMAT
 *   when it holds no readable document (empty, binary, unparseable); or
 *   the value @p fn returned to stop. @p err names the path (and byte
 *   offset where one applies).
 */
int cdx_corpus_read_file(const char *path,
                         const struct cdx_read_options *opts, cdx_doc_fn fn,
                         void *ctx, struct cdx_error *err);

/** The size of an input that is not a regular file (a pipe, a terminal),
 *  for cdx_corpus_read_fd(). */
#define CDX_READ_SIZE_UNKNOWN UINT64_MAX

/**
 * As cdx_corpus_read_file() but from descriptor @p fd, which the caller
 * opened (and fstat()ed: a folder's descriptor is not for this call);
 * @p source names the input in documents and messages. @p size is its
 * st_size when it is a regular file, else CDX_READ_SIZE_UNKNOWN. A file
 * of known size is rejected by size before any read, and read up to
 * @p size bytes with no further read() to see it end: bytes appended
 * after the fstat() are not read. (A size of 0 is read as unknown:
 * /proc files say 0.) The descriptor stays open and the caller's; its
 * offset moves. cdx_corpus_read_file() is open(), fstat() and this.
 *
 * @return as cdx_corpus_read_file(): CDX_OK; CDX_ERR_IO when a read
 *   fails; CDX_ERR_LIMIT; CDX_ERR_FORMAT; or the value @p fn returned.
 */
int cdx_corpus_read_fd(int fd, const char *source, uint64_t size,
                       const struct cdx_read_options *opts, cdx_doc_fn fn,
                       void *ctx, struct cdx_error *err);

/**
 * As cdx_corpus_read_file() but from memory. @p source names the input in
 * documents and messages. @p data is borrowed for the call only.
 */
int cdx_corpus_read_buffer(const char *source, const char *data, size_t len,
                           const struct cdx_read_options *opts,
                           cdx_doc_fn fn, void *ctx, struct cdx_error *err);

/**
 * Build a document from UTF-8 text already extracted (tests, stdin): copies
 * @p text, repairs invalid UTF-8, splits paragraphs and sentences.
 * @p source, @p title and @p date are copied; title and date may be NULL.
 * On success *out is the new document (caller frees with cdx_doc_free()).
 * @return CDX_OK or CDX_ERR_NOMEM.
 */
int cdx_doc_new(struct cdx_doc **out, const char *source, const char *title,
                const char *date, const char *text, size_t len,
                struct cdx_error *err);

/**
 * (Re)compute doc->paras and doc->sents from doc->text. Paragraphs break
 * at blank lines; sentences at . ! ? followed by space and an upper-case or
 * digit start, but not after abbreviations (U.S., Dr., Jan., No. 7, e.g.),
 * initials, or inside numbers (3.5). A running header (a head line, no
 * sentence and holding no figure, that recurs between two sentences) is
 * in no sentence. Called by every reader.
 * @return CDX_OK or CDX_ERR_NOMEM.
 */
int cdx_corpus_split(struct cdx_doc *doc);

/**
 * Called for each token by cdx_corpus_tokenize(). @p folded is the token
 * case-folded (Unicode, NFKC_Casefold-style, diacritics kept) and
 * NUL-terminated, valid only during the call; when @p n is under 16, its
 * bytes from folded[n] to folded[15] are all zero, so a callback may read
 * the first 16 bytes as whole words; [start, end) is its byte span
 * in the text. Return 0 to go on; any other value stops tokenizing and is
 * returned by cdx_corpus_tokenize() unchanged.
 */
typedef int (*cdx_token_fn)(void *ctx, const char *folded, size_t n,
                            uint32_t start, uint32_t end);

/**
 * Split @p text into word tokens: runs of letters and digits, with inner
 * apostrophes, hyphens, dots and commas kept when a letter or digit follows
 * them on both sides ("U.S.", "1,234.5", "don't" are one token each; a
 * trailing dot is not part of the token). Tokens longer than 64 bytes are
 * cut to 64: the folded form is made from at most the first 64 bytes and
 * is at most 64 bytes long, while [start, end) spans the whole run.
 * Allocates nothing per token.
 * @return 0 when all tokens were delivered, else what @p fn returned.
 */
int cdx_corpus_tokenize(const char *text, size_t len, cdx_token_fn fn,
                        void *ctx);

/**
 * Case-fold one UTF-8 string into @p out (capacity @p cap, NUL-terminated,
 * truncated at a character boundary). With @p strip_marks, diacritics are
 * removed too ("Réunion" → "reunion"): used for search terms. NFKC and
 * Unicode case folding ("Straße" → "strasse", "ﬁ" → "fi"); typographic
 * apostrophes and hyphens fold to ASCII ("don’t" → "don't"); default
 * ignorables (soft hyphen) and invalid UTF-8 bytes are dropped.
 * @return the folded length in bytes.
 */
size_t cdx_corpus_fold(const char *s, size_t n, char *out, size_t cap,
                       int strip_marks);

#endif

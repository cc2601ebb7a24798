/*
 * progress.c — the progress line of a long ingest: documents, input MB,
 * MB/s and, when the total input size is known, a bar and the time left.
 *
 * Drawn on stderr with a carriage return and erased with "\r\033[K", so
 * it is only ever turned on when stderr is a terminal. It is drawn at the
 * first update (so that it appears at all) and then at most ten times a
 * second: redrawing per document would cost more than the work on small
 * articles. Whoever prints anything else to the terminal first calls
 * progress_clear(); the next update draws the line again.
 */
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

#define REDRAW_S 0.1
#define BAR_MAX 20

double progress_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_init(struct progress *p, int on, uint64_t total)
{
	p->on = on;
	p->drawn = 0;
	p->t0 = progress_now();
	p->last = 0;
	p->total = total;
	p->bytes = 0;
	p->docs = 0;
}

static int term_width(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
		return ws.ws_col;
	return 80;
}

static void fmt_eta(char *out, size_t cap, double s)
{
	unsigned long t = (unsigned long)(s + 0.5);

	if (t >= 3600)
		snprintf(out, cap, "%lu:%02lu:%02lu", t / 3600, t / 60 % 60,
		         t % 60);
	else
		snprintf(out, cap, "%lu:%02lu", t / 60, t % 60);
}

static void draw(struct progress *p, double now)
{
	char line[256], bar[BAR_MAX + 1], eta[32];
	double dt = now - p->t0, mb = (double)p->bytes / 1e6;
	double rate = dt > 0 ? mb / dt : 0;
	int width = term_width() - 1, n;

	if (p->total > 0) {
		double f = (double)p->bytes / (double)p->total;
		int fill;

		if (f > 1)
			f = 1;
		fill = (int)(f * BAR_MAX);
		for (int i = 0; i < BAR_MAX; i++)
			bar[i] = i < fill ? '#' : '.';
		bar[BAR_MAX] = '\0';
		if (rate > 0 && p->bytes < p->total)
			fmt_eta(eta, sizeof eta,
			        (double)(p->total - p->bytes) / 1e6 / rate);
		else
			snprintf(eta, sizeof eta, "-");
		n = snprintf(line, sizeof line,
		             "[%s] %3.0f%%  %lu docs  %.1f/%.1f MB  %.1f MB/s  "
		             "ETA %s",
		             bar, 100 * f, p->docs, mb, (double)p->total / 1e6,
		             rate, eta);
	} else {
		n = snprintf(line, sizeof line, "%lu docs  %.1f MB  %.1f MB/s",
		             p->docs, mb, rate);
	}
	/* a line wider than the terminal wraps, and \r then redraws only
	 * its last part: cut it instead */
	if (n > width && width > 0 && (size_t)width < sizeof line)
		line[width] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
	p->drawn = 1;
	p->last = now;
}

void progress_add(struct progress *p, unsigned long docs, uint64_t bytes)
{
	double now;

	p->docs += docs;
	p->bytes += bytes;
	if (!p->on)
		return;
	now = progress_now();
	if (p->last == 0 || now - p->last >= REDRAW_S)
		draw(p, now);
}

void progress_clear(struct progress *p)
{
	if (!p->drawn)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->drawn = 0;
}

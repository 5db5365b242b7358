/* R: the selected connection as an HTML page. The history's events go to
 * the report view (output/views.h) as the current view shows them: in the
 * eavesdropper view, through the same projection as its panes. */
#include "ui.h"

#include "core/err.h"
#include "engine/keylog_out.h"
#include "output/views.h"

#include <string.h>

void ui_save_report(struct ui *u, const char *path)
{
	const char *file = u->opts.engine.file, *base = file ? strrchr(file, '/') : NULL;
	struct html_opts ho = { .title = file ? (base ? base + 1 : file) : "live session",
				.eavesdropper = u->view == VIEW_EAVESDROPPER };
	struct sink *h;
	size_t n = 0;

	err_clear();
	if (output_path_check(path, "report") < 0) {
		ui_message(u, "%s", err_msg());
		return;
	}
	h = view_html_new(path, &ho);
	if (!h) {
		ui_message(u, "report: %s", err_msg());
		return;
	}
	for (size_t i = 0; i < u->nev; i++) {
		struct event buf;
		const struct event *e = hist_get(u, i) ? hist_view(u, i, &buf) : NULL;

		/* a folded run of bulk records is the TUI's own: its first
		 * records are in the history, the rest are counted there */
		if (!e || e->type == EV_UI_RUN)
			continue;
		sink_emit(h, e);
		n++;
	}
	if (!n) {
		view_html_cancel(h);
		view_close(h);
		ui_message(u, "report: no event of this connection yet");
		return;
	}
	if (view_close(h) < 0)
		ui_message(u, "report: %s", err_msg());
	else
		ui_message(u, "saved %s (%s view%s)", path, ho.eavesdropper ? "eavesdropper" : "insider, with keys: 0600",
			   u->rb_ok || u->run_recs ? "; folded bulk records are counted, not shown" : "");
}

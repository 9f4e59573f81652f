// An HTML report (drift or insight) fetched with the token and shown in a sandboxed frame.
import { apiPath, getText } from './api.js';
import { h } from './dom.js';

/** Returns the API path of a report's HTML form. */
export function reportHtmlPath(model, kind, id) {
  return kind === 'drift'
    ? apiPath(['drift', 'reports', id], { format: 'html' })
    : apiPath(['reports', 'insight'], { model, format: 'html' });
}

/**
 * Returns a link that opens the report's HTML in a new tab. It is fetched with the token first
 * (a plain link sends none, and token auth would answer 401) and opened as a blob.
 */
export function openReportLink(path, text) {
  return h(
    'a',
    {
      href: '#',
      onclick: async (event) => {
        event.preventDefault();
        const html = await getText(path);
        const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
        window.open(url, '_blank', 'noopener');
        setTimeout(() => URL.revokeObjectURL(url), 60_000);
      },
    },
    text,
  );
}

/** Returns the report page in `root`: the report's own HTML in an iframe that may run nothing. */
export function reportPage(root, model, kind, id) {
  const path = reportHtmlPath(model, kind, id);
  // sandbox="" : no script, no same-origin access; the report is static HTML with inline CSS.
  const frame = h('iframe', { class: 'report', sandbox: '', title: `${kind} report` });
  root.replaceChildren(
    h(
      'p',
      {},
      h('a', { href: `#/model/${encodeURIComponent(model)}` }, `← ${model}`),
      ' · ',
      openReportLink(path, 'open on its own'),
    ),
    frame,
  );
  return {
    live: false,
    async refresh() {
      frame.srcdoc = await getText(path);
    },
  };
}

// The models overview: one card per model with its KPIs against targets and sparklines.
import { apiPath, getJson } from './api.js';
import { h } from './dom.js';
import { loadKpis, renderKpis } from './kpis.js';

/** Returns the overview page in `root`; refresh() reloads every model's card. */
export function overviewPage(root) {
  const cards = h('div', { class: 'cards' });
  root.replaceChildren(
    h('h1', {}, 'Models'),
    h('p', { class: 'muted' }, 'Last hour, against the report targets.'),
    cards,
  );
  const byModel = new Map();
  return {
    async refresh() {
      const { models } = await getJson(apiPath(['models']));
      if (models.length === 0)
        cards.replaceChildren(h('p', { class: 'muted' }, 'No model has sent telemetry yet.'));
      else if (byModel.size === 0) cards.replaceChildren();
      const loaded = await Promise.all(models.map((m) => loadKpis(m.model)));
      models.forEach((m, i) => {
        let card = byModel.get(m.model);
        if (!card) {
          card = h('section', { class: 'card', 'data-model': m.model });
          card.append(
            h('h2', {}, h('a', { href: `#/model/${encodeURIComponent(m.model)}` }, m.model)),
            h('p', { class: 'muted versions' }),
            h('div', { class: 'kpis' }),
          );
          byModel.set(m.model, card);
          cards.append(card);
        }
        card.querySelector('.versions').textContent =
          `versions ${m.versions.join(', ')} · ${m.requests} requests in rollup retention`;
        renderKpis(card.querySelector('.kpis'), m.model, loaded[i]);
      });
    },
  };
}

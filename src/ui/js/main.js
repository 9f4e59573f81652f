// The UI's entry: hash routes (#/, #/model/<m>, #/model/<m>/drift/<id>, #/model/<m>/insight),
// a refresh every 15 s, and the token form whenever the API answers 401.
import { AuthError, setToken, token } from './api.js';
import { pruneCharts } from './charts.js';
import { h } from './dom.js';
import { modelPage } from './model.js';
import { overviewPage } from './overview.js';
import { reportPage } from './report-view.js';

const REFRESH_MS = 15_000;
const root = document.getElementById('app');
const status = document.getElementById('status');
const logout = document.getElementById('logout');
let timer;
let current;

// A hash that does not decode (e.g. #/model/%E0) is the overview, not a blank page.
function decode(part) {
  try {
    return decodeURIComponent(part);
  } catch {
    return '';
  }
}

function pageFor(hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decode);
  if (parts[0] === 'model' && parts[1]) {
    if (parts[2] === 'drift' && parts[3]) return reportPage(root, parts[1], 'drift', parts[3]);
    if (parts[2] === 'insight') return reportPage(root, parts[1], 'insight');
    return modelPage(root, parts[1]);
  }
  return overviewPage(root);
}

function tokenForm(error) {
  clearInterval(timer);
  const input = h('input', {
    type: 'password',
    name: 'token',
    autocomplete: 'off',
    placeholder: 'token secret',
  });
  const form = h(
    'form',
    {
      class: 'token',
      onsubmit: (event) => {
        event.preventDefault();
        setToken(input.value.trim());
        route();
      },
    },
    h('h2', {}, error.status === 403 ? 'This token may not read the API' : 'A token is needed'),
    h('p', { class: 'muted' }, error.message),
    h('label', {}, 'API token (read scope)', input),
    h('button', { type: 'submit' }, 'Use token'),
  );
  root.replaceChildren(form);
  status.textContent = '';
  input.focus();
}

async function refresh(page) {
  try {
    await page.refresh();
    if (page !== current) return;
    pruneCharts();
    status.textContent = `updated ${new Date().toLocaleTimeString()} · refreshes every ${REFRESH_MS / 1000} s`;
  } catch (err) {
    if (page !== current) return;
    if (err instanceof AuthError) tokenForm(err);
    else status.textContent = `error: ${err.message}`;
  }
}

function route() {
  clearInterval(timer);
  logout.hidden = !token();
  current = pageFor(location.hash);
  const page = current;
  refresh(page);
  if (page.live !== false) timer = setInterval(() => refresh(page), REFRESH_MS);
}

logout.addEventListener('click', () => {
  setToken('');
  route();
});
window.addEventListener('hashchange', route);
route();

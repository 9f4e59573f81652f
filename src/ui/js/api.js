// The API client: GET /api/v1 with the bearer token kept in localStorage.
const KEY = 'insightagent.token';

/** An answer that needs a (better) token: 401 without or with an unknown one, 403 without scope. */
export class AuthError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

/** Returns the stored token, or null. */
export function token() {
  return localStorage.getItem(KEY);
}

/** Stores the token (an empty one forgets it). */
export function setToken(value) {
  if (value) localStorage.setItem(KEY, value);
  else localStorage.removeItem(KEY);
}

async function get(path, accept) {
  const headers = { accept };
  const bearer = token();
  if (bearer) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(path, { headers });
  if (res.ok) return res;
  let message = `${res.status} ${res.statusText}`;
  try {
    message = (await res.json()).error.message;
  } catch {
    // Not our JSON error body: the status line says enough.
  }
  if (res.status === 401 || res.status === 403) throw new AuthError(res.status, message);
  throw new Error(`${path}: ${message}`);
}

/** Returns the JSON answer of GET `path`; throws AuthError on 401/403, Error otherwise. */
export async function getJson(path) {
  return (await get(path, 'application/json')).json();
}

/** Returns the text answer of GET `path` (an HTML report). */
export async function getText(path) {
  return (await get(path, 'text/html')).text();
}

/** Returns `/api/v1/<parts…>` with each part URL-encoded, plus the query. */
export function apiPath(parts, query = {}) {
  const path = `/api/v1/${parts.map(encodeURIComponent).join('/')}`;
  const search = new URLSearchParams(query).toString();
  return search ? `${path}?${search}` : path;
}

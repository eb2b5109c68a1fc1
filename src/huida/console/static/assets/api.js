// The console's only way to the server: the public API, with the signed-in user's token.
// Errors come back as ApiError carrying the API's own errorDescription, shown to people as it is.

const SESSION_KEY = 'huida.console.session';

export function currentSession() {
  try { return JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null'); } catch { return null; }
}

export function saveSession(entity) {
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({
    token: entity.token, tenantId: entity.tenantId, username: entity.username,
    role: entity.role, expires: entity.expires,
  }));
}

export function clearSession() { sessionStorage.removeItem(SESSION_KEY); }

export class ApiError extends Error {
  constructor(status, code, description, entity = null) {
    super(description || code || `HTTP ${status}`);
    this.status = status; this.code = code; this.entity = entity;
  }
}

// Paths starting with "/" are absolute; others are under /v10/tenants/{tenantId}/.
export function apiUrl(path, query) {
  const session = currentSession();
  let url = path.startsWith('/') ? path : `/v10/tenants/${session ? session.tenantId : 0}/${path}`;
  if (query) {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) {
      if (v === undefined || v === null || v === '') continue;
      for (const item of Array.isArray(v) ? v : [v]) params.append(k, item);
    }
    const text = params.toString();
    if (text) url += (url.includes('?') ? '&' : '?') + text;
  }
  return url;
}

async function send(method, path, { body, query, file, headers = {} } = {}) {
  const session = currentSession();
  const init = { method, headers: { ...headers } };
  if (session) init.headers.token = session.token;
  if (file) {
    const form = new FormData();
    form.append('file', file, file.name);
    init.body = form;
  } else if (body !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(apiUrl(path, query), init);
  } catch (error) {
    throw new ApiError(0, 'NETWORK', navigator.onLine === false ? 'offline' : 'network');
  }
  if (response.status === 401 && session) {
    window.dispatchEvent(new CustomEvent('huida:signed-out', { detail: 'expired' }));
  }
  return response;
}

async function envelope(response) {
  let data = null;
  try { data = await response.json(); } catch { /* not JSON: described by its status below */ }
  if (!response.ok || (data && data.status === 'FAIL')) {
    throw new ApiError(response.status, data && data.errorCode,
      (data && (data.errorDescription || data.msg || data.detail)) || `HTTP ${response.status}`,
      data && data.entity);
  }
  return data;
}

// The whole envelope (for pages: first, last, totalElements...).
export async function call(method, path, options = {}) {
  return envelope(await send(method, path, options));
}

// Only the entity.
export async function api(method, path, options = {}) {
  return (await call(method, path, options)).entity;
}

// A file the API answers (an export, an image): a Blob, with the API's error when it fails.
export async function blob(path, options = {}) {
  const response = await send('GET', path, options);
  if (!response.ok) await envelope(response);
  return response.blob();
}

// Images behind the token cannot be an <img src>: fetch them and show an object URL.
const imageCache = new Map();
export function imageUrl(path) {
  if (!imageCache.has(path)) {
    imageCache.set(path, blob(path).then((b) => URL.createObjectURL(b)).catch((e) => {
      imageCache.delete(path); throw e;
    }));
  }
  return imageCache.get(path);
}

// Requests that use the single sign-on session cookie carry this header. A page of another site cannot send
// it (a form cannot set headers; a script would need a CORS preflight the server never grants), so the server
// trades the cookie for a token, or expires it, only for the console's own pages.
const CONSOLE_HEADER = { 'X-Huida-Console': '1' };

// After single sign-on (seed 004 §7.1) the browser holds an httponly session cookie no script can read; the
// server trades it for a token like the one signIn gets. Returns the entity, null without a valid session
// (401), or throws the API's error (403: the server refused the page's origin).
export async function signInWithSession() {
  try {
    const entity = await api('POST', '/v10/commons/session/token', { headers: CONSOLE_HEADER });
    saveSession(entity);
    return entity;
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

// Signing out ends the single sign-on session too (expires its cookie); without one the server says OK as
// well. This tab forgets its token whatever the server answers.
export async function signOut() {
  try {
    await call('POST', '/v10/commons/session/logout', { headers: CONSOLE_HEADER });
  } finally {
    clearSession();
  }
}

// tenantId is optional: needed only when the same login and password exist in several tenants.
export async function signIn(username, password, tenantId) {
  const body = { username, password };
  if (tenantId) body.tenantId = Number(tenantId);
  const entity = await api('POST', '/v10/commons/integration/token', { body });
  saveSession(entity);
  return entity;
}

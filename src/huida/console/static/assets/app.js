// The console's shell: sign-in guard, client-side routes under /console, the sidebar and the language switch.
import { api, clearSession, currentSession, signInWithSession, signOut as endSession } from './api.js';
import { language, setLanguage, t } from './i18n.js';
import { icon } from './icons.js';
import { clear, errorBox, h, loading } from './ui.js';

const ROUTES = [
  ['/console/login', 'login'],
  ['/console/robots', 'robots'],
  ['/console/robots/:robotId/settings', 'robot-settings', 'settings'],
  ['/console/robots/:robotId/knowledge', 'knowledge', 'knowledge'],
  ['/console/robots/:robotId/knowledge/import', 'import-export', 'knowledge'],
  ['/console/robots/:robotId/knowledge/health', 'health', 'knowledge'],
  ['/console/robots/:robotId/knowledge/rules/new', 'rule-edit', 'knowledge'],
  ['/console/robots/:robotId/knowledge/rules/:ruleId', 'rule-edit', 'knowledge'],
  ['/console/robots/:robotId/hit-test', 'hit-test', 'hit-test'],
  ['/console/robots/:robotId/conversations', 'conversations', 'conversations'],
  ['/console/robots/:robotId/conversations/:sessionId', 'conversation', 'conversations'],
  ['/console/robots/:robotId/integrations', 'integrations', 'integrations'],
];
const ROBOT_KEY = 'huida.console.robot';

function match(pathname) {
  const path = pathname.replace(/\/+$/, '') || '/console';
  for (const [pattern, page, section] of ROUTES) {
    const names = [];
    const regex = new RegExp('^' + pattern.replace(/:(\w+)/g, (_, name) => { names.push(name); return '([^/]+)'; }) + '$');
    const found = path.match(regex);
    if (found) {
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1])]));
      return { page, section: section || 'robots', params };
    }
  }
  return null;
}

export function navigate(url, { replace = false } = {}) {
  if (replace) history.replaceState(null, '', url); else history.pushState(null, '', url);
  route();
}

let robotsCache = null;
export async function robots(refresh = false) {
  if (!robotsCache || refresh) robotsCache = api('GET', 'robots', { query: { size: 1000 } });
  try { return await robotsCache; } catch (e) { robotsCache = null; throw e; }
}

// Single sign-on lands here with a session cookie and no token: the console trades the cookie for a token, at
// most once per page load (after a sign-out the cookie is gone; after an expiry it is as old as the token),
// so a visitor without a session sees the sign-in page after one request.
let cookieTried = false;
async function sessionFromCookie() {
  if (cookieTried) return null;
  cookieTried = true;
  try {
    const entity = await signInWithSession();
    if (entity) sessionStorage.removeItem('huida.console.notice');
    return entity;
  } catch (error) {
    // 403: the server refused this page's origin (a proxy that rewrites Host?); say why no silent sign-in.
    if (error.status === 403) sessionStorage.setItem('huida.console.notice', 'login.ssoRefused');
    return null;
  }
}

// Where ?next= on the sign-in page asks to go: a console page only, never the sign-in page again.
function nextPage() {
  const next = new URLSearchParams(location.search).get('next');
  const inConsole = next && (next === '/console' || next.startsWith('/console/') || next.startsWith('/console?'));
  return inConsole && !next.startsWith('/console/login') ? next : null;
}

let generation = 0;
async function route() {
  const mine = ++generation;
  const root = document.getElementById('app');
  document.documentElement.lang = language() === 'zh' ? 'zh-CN' : 'en';
  const session = currentSession();
  const found = match(location.pathname);
  if (!session) {
    if (!found || found.page !== 'login') {
      const next = location.pathname + location.search;
      history.replaceState(null, '', '/console/login' + (next.startsWith('/console/login') ? '' : `?next=${encodeURIComponent(next)}`));
    }
    if (await sessionFromCookie()) { if (mine === generation) route(); return; }
    if (mine !== generation) return;
    const page = await import('./pages/login.js');
    page.render(root, { navigate });
    return;
  }
  if (found && found.page === 'login' && nextPage()) { navigate(nextPage(), { replace: true }); return; }
  if (!found || found.page === 'login') { await goHome(); return; }
  let list = [];
  try { list = await robots(); } catch (error) { clear(root, errorBox(error)); return; }
  if (mine !== generation) return;
  const robotId = found.params.robotId || localStorage.getItem(ROBOT_KEY);
  const robot = list.find((r) => r.robotId === robotId) || (found.params.robotId ? null : list[0]) || null;
  if (robot) localStorage.setItem(ROBOT_KEY, robot.robotId);
  const main = h('main', { id: 'main', class: 'main', tabindex: '-1' }, loading());
  clear(root, shell(found.section, robot, list, session), main);
  document.title = `${t(`nav.${found.section}`)} · Huida`;
  if (found.params.robotId && !robot) { clear(main, errorBox({ message: t('robots.notFound') })); return; }
  try {
    const page = await import(`./pages/${found.page}.js`);
    if (mine !== generation) return;
    await page.render(main, { params: found.params, robot, robots: list, navigate, isCurrent: () => mine === generation });
  } catch (error) {
    if (mine === generation) clear(main, errorBox(error));
  }
}

async function goHome() {
  try {
    const list = await robots();
    const last = localStorage.getItem(ROBOT_KEY);
    const robot = list.find((r) => r.robotId === last) || list[0];
    navigate(robot ? `/console/robots/${robot.robotId}/knowledge` : '/console/robots', { replace: true });
  } catch (error) {
    clear(document.getElementById('app'), errorBox(error));
  }
}

function shell(section, robot, list, session) {
  const base = robot ? `/console/robots/${robot.robotId}` : null;
  const link = (key, href) => h('a', {
    href: href || '#', class: `nav-link${key === section ? ' active' : ''}${href ? '' : ' disabled'}`,
    'aria-current': key === section ? 'page' : null, 'aria-disabled': href ? null : 'true',
    'data-nav': key,
  }, h('span', { class: 'nav-icon', 'aria-hidden': 'true' }, icon(key)), t(`nav.${key}`));
  const picker = h('select', { id: 'robot-picker', 'aria-label': t('nav.robot'),
    onchange: (e) => {
      const suffix = section === 'robots' ? 'knowledge' : section;
      navigate(`/console/robots/${e.target.value}/${suffix}`);
    } }, list.map((r) => h('option', { value: r.robotId, selected: robot && r.robotId === robot.robotId }, r.name)));
  const lang = language();
  return h('aside', { class: 'sidebar' },
    h('a', { class: 'skip', href: '#main', onclick: (e) => { e.preventDefault(); document.getElementById('main').focus(); } }, t('nav.skip')),
    h('div', { class: 'brand' }, h('img', { src: '/console/assets/logo.svg', alt: '', width: 28, height: 28 }),
      h('span', {}, 'Huida ', h('small', {}, '回答'))),
    list.length ? h('div', { class: 'picker' }, h('label', { for: 'robot-picker', class: 'muted small' }, t('nav.robot')), picker) : null,
    h('nav', { class: 'nav', 'aria-label': t('nav.main') },
      link('robots', '/console/robots'),
      link('settings', base && `${base}/settings`),
      link('knowledge', base && `${base}/knowledge`),
      link('hit-test', base && `${base}/hit-test`),
      link('conversations', base && `${base}/conversations`),
      link('integrations', base && `${base}/integrations`)),
    h('div', { class: 'sidebar-foot' },
      h('div', { class: 'lang', role: 'group', 'aria-label': t('nav.language') },
        ['zh', 'en'].map((code) => h('button', { type: 'button', class: code === lang ? 'active' : null,
          'aria-pressed': String(code === lang), 'data-lang': code,
          onclick: () => { setLanguage(code); route(); } }, code === 'zh' ? '中文' : 'English'))),
      h('div', { class: 'user' }, h('span', { class: 'small', title: session.username }, session.username),
        h('button', { type: 'button', class: 'ghost small', 'data-action': 'sign-out', onclick: signOut }, t('nav.signOut')))));
}

async function signOut(event) {
  const button = event && event.currentTarget;
  if (button) button.disabled = true;
  cookieTried = true;  // the session cookie is being expired: no silent sign-in with it on the sign-in page
  try { await endSession(); } catch { /* the server could not be told; this tab is signed out all the same */ }
  robotsCache = null;
  navigate('/console/login', { replace: true });
}

document.addEventListener('click', (event) => {
  const a = event.target.closest('a[href]');
  if (!a || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || a.target) return;
  const href = a.getAttribute('href');
  if (href === '#' || a.getAttribute('aria-disabled') === 'true') { event.preventDefault(); return; }
  if (!href.startsWith('/console') || href.startsWith('/console/assets')) return;
  event.preventDefault();
  navigate(href);
});
window.addEventListener('popstate', route);
window.addEventListener('huida:signed-out', () => {
  clearSession();
  robotsCache = null;
  sessionStorage.setItem('huida.console.notice', 'login.expired');
  navigate('/console/login', { replace: true });
});

route();

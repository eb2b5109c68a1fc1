// Sign in with the token API (POST /v10/commons/integration/token); the token lives in sessionStorage.
import { signIn } from '../api.js';
import { language, setLanguage, t } from '../i18n.js';
import { busy, clear, field, h } from '../ui.js';

export function render(root, { navigate }) {
  document.title = `${t('login.title')} · Huida`;
  const notice = sessionStorage.getItem('huida.console.notice');
  sessionStorage.removeItem('huida.console.notice');
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autofocus: true });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const tenant = h('input', { name: 'tenantId', inputmode: 'numeric', pattern: '[0-9]*', autocomplete: 'off' });
  const error = h('div', { 'aria-live': 'assertive' }, notice ? h('div', { class: 'alert' }, t(notice)) : null);
  const submit = h('button', { type: 'submit', class: 'primary block' }, t('login.submit'));
  const form = h('form', { class: 'stack', onsubmit: async (event) => {
    event.preventDefault();
    await busy(submit, async () => {
      await signIn(username.value.trim(), password.value, tenant.value.trim());
      const next = new URLSearchParams(location.search).get('next');
      navigate(next && next.startsWith('/console') && !next.startsWith('/console/login') ? next : '/console', { replace: true });
    }, error);
  } },
  field(t('login.username'), username), field(t('login.password'), password),
  h('details', {}, h('summary', {}, t('login.more')), field(t('login.tenant'), tenant, t('login.tenantHint'))),
  error, submit);
  const lang = language();
  clear(root, h('div', { class: 'login' },
    h('section', { class: 'login-card', 'aria-labelledby': 'login-title' },
      h('div', { class: 'brand big' }, h('img', { src: '/console/assets/logo.svg', alt: '', width: 40, height: 40 }),
        h('span', {}, 'Huida ', h('small', {}, '回答'))),
      h('h1', { id: 'login-title' }, t('login.title')),
      h('p', { class: 'muted' }, t('login.subtitle')),
      form,
      h('div', { class: 'lang center', role: 'group', 'aria-label': t('nav.language') },
        ['zh', 'en'].map((code) => h('button', { type: 'button', class: code === lang ? 'active' : null,
          'aria-pressed': String(code === lang), onclick: () => { setLanguage(code); render(root, { navigate }); } },
        code === 'zh' ? '中文' : 'English'))))));
}

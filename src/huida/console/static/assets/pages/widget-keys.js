// Widget keys of a robot (the visitor chat widget): allowed origins, the tag to paste into a web page, and a
// live preview of the widget running on this console's own address.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { badge, busy, checkbox, clear, confirmDialog, copyButton, empty, errorBox, field, formDialog, formatTime, h, loading, table, toast } from '../ui.js';

export async function render(body, { params }) {
  const path = `robots/${params.robotId}/widget-keys`;
  const list = h('div', { class: 'card flush' }, loading());
  const detail = h('div', { class: 'stack' });
  const create = h('button', { type: 'button', class: 'primary', 'data-action': 'new-widget-key', onclick: () => newKey() }, t('widget.new'));
  clear(body, h('div', { class: 'section-head' }, h('p', { class: 'muted' }, t('widget.hint')), create), list, detail);

  const snippet = (key) => `<script src="${location.origin}/widget.js" data-robot="${params.robotId}" data-key="${key.key}" defer></script>`;

  async function load(select) {
    const keys = await api('GET', path);
    clear(list, keys.length ? table([
      { label: t('widget.key'), render: (k) => h('code', { class: 'small' }, k.key) },
      { label: t('widget.origins'), render: (k) => h('div', {}, k.allowedOrigins.map((o) => h('div', { class: 'mono small' }, o))) },
      { label: t('robots.status'), render: (k) => badge(k.status === 'ACTIVE' ? t('keys.active') : t('keys.revoked'), k.status === 'ACTIVE' ? 'ok' : '') },
      { label: t('robots.created'), class: 'nowrap', render: (k) => formatTime(k.createdAt) },
      { label: h('span', { class: 'sr-only' }, t('common.actions')), class: 'right nowrap', render: (k) => (k.status === 'ACTIVE' ? h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'ghost small', 'data-action': 'show-snippet', onclick: () => show(k) }, t('widget.snippet')),
        revokeButton(k)) : '') },
    ], keys, { rowAttrs: (k) => ({ 'data-widget-key': k.id }) }) : empty(t('widget.empty'), t('widget.emptyHint')));
    const chosen = keys.find((k) => k.id === select) || keys.find((k) => k.status === 'ACTIVE');
    if (chosen && chosen.status === 'ACTIVE') show(chosen); else detail.replaceChildren();
  }

  function show(key) {
    const code = snippet(key);
    const previewable = key.allowedOrigins.includes(location.origin);
    clear(detail, h('section', { class: 'card stack', 'data-snippet-for': key.id },
      h('h2', {}, t('widget.snippetTitle')), h('p', { class: 'muted' }, t('widget.snippetHint')),
      h('div', { class: 'copyline' }, h('pre', { class: 'code', 'data-snippet': '' }, code), copyButton(code))),
    h('section', { class: 'card stack' }, h('h2', {}, t('widget.preview')),
      previewable ? preview(key) : h('div', { class: 'alert' }, t('widget.previewNeedsOrigin', { origin: location.origin }))));
  }

  // The preview page is a same-origin frame holding the very tag a site would paste.
  function preview(key) {
    const page = `<!doctype html><html lang="${document.documentElement.lang}"><head><meta charset="utf-8"><title>preview</title>
<style>body{margin:0;padding:24px;font:14px system-ui,sans-serif;color:#667;background:linear-gradient(#f6f8fb,#eef1f6);min-height:100vh;box-sizing:border-box}
.fake{max-width:520px}.bar{height:12px;border-radius:6px;background:#dde3ec;margin:12px 0}.bar.s{width:60%}</style></head>
<body><div class="fake"><strong>${t('widget.previewSite')}</strong><div class="bar"></div><div class="bar s"></div><div class="bar"></div></div>
${snippet(key)}</body></html>`;
    return h('iframe', { class: 'preview', title: t('widget.preview'), srcdoc: page, 'data-preview': key.id });
  }

  function revokeButton(key) {
    const button = h('button', { type: 'button', class: 'ghost small danger-text', 'data-action': 'revoke', onclick: async () => {
      if (!(await confirmDialog(t('widget.confirmRevoke'), { confirm: t('keys.revoke') }))) return;
      await busy(button, async () => { await api('DELETE', `${path}/${key.id}`); toast(t('keys.revokedToast')); await load(); });
    } }, t('keys.revoke'));
    return button;
  }

  async function newKey() {
    const origins = h('textarea', { rows: 3, required: true, placeholder: 'https://www.example.com', 'data-field': 'origins' });
    const self = checkbox(t('widget.allowConsole', { origin: location.origin }), true, { 'data-field': 'allow-console' });
    const menu = h('select', { 'data-field': 'welcome-menu' }, h('option', { value: '' }, t('widget.noMenu')));
    api('GET', `knowledge/robots/${params.robotId}/rules/search`, { query: { type: 'MENU', per_page: 100 } })
      .then((rules) => menu.append(...rules.map((r) => h('option', { value: r.id }, r.questionsArray[0])))).catch(() => {});
    const created = await formDialog(t('widget.new'), (form) => form.append(
      field(t('widget.origins'), origins, t('widget.originsHint')), self, field(t('widget.welcomeMenu'), menu, t('widget.welcomeMenuHint'))),
    () => {
      const list = origins.value.split(/[\s,]+/).map((o) => o.trim()).filter(Boolean);
      if (self.querySelector('input').checked && !list.includes(location.origin)) list.push(location.origin);
      return api('POST', path, { body: { allowedOrigins: list, welcomeMenu: menu.value || null } });
    }, { submit: t('common.create') });
    if (created) { toast(t('widget.created')); await load(created.id); }
  }

  await load().catch((error) => clear(list, errorBox(error)));
}

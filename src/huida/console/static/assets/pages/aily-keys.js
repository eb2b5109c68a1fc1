// API keys of the Aily-style session API (/open-apis/aily/v1/...): create (the key is shown once), revoke.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { badge, busy, clear, confirmDialog, copyButton, empty, errorBox, field, formDialog, formatTime, h, loading, table, toast } from '../ui.js';

export async function render(body, { params }) {
  const path = `robots/${params.robotId}/api-keys`;
  const list = h('div', { class: 'card flush' }, loading());
  const fresh = h('div', {});
  const create = h('button', { type: 'button', class: 'primary', 'data-action': 'new-aily-key', onclick: () => newKey() }, t('aily.new'));
  clear(body, h('div', { class: 'section-head' }, h('p', { class: 'muted' }, t('aily.hint')), create), fresh, list);

  async function load() {
    const keys = await api('GET', path);
    clear(list, keys.length ? table([
      { label: t('aily.name'), render: (k) => k.name || '—' },
      { label: t('aily.prefix'), render: (k) => h('code', {}, `${k.prefix}…`) },
      { label: t('robots.status'), render: (k) => badge(k.revoked ? t('keys.revoked') : t('keys.active'), k.revoked ? '' : 'ok') },
      { label: t('robots.created'), class: 'nowrap', render: (k) => formatTime(k.createDateTime) },
      { label: t('aily.lastUsed'), class: 'nowrap', render: (k) => formatTime(k.lastUsedDateTime) },
      { label: h('span', { class: 'sr-only' }, t('common.actions')), class: 'right', render: (k) => (k.revoked ? '' : revokeButton(k)) },
    ], keys, { rowAttrs: (k) => ({ 'data-key-id': k.id }) }) : empty(t('aily.empty'), t('aily.emptyHint')));
  }

  function revokeButton(key) {
    const button = h('button', { type: 'button', class: 'ghost small danger-text', 'data-action': 'revoke', onclick: async () => {
      if (!(await confirmDialog(t('keys.confirmRevoke'), { confirm: t('keys.revoke') }))) return;
      await busy(button, async () => { await api('DELETE', `${path}/${key.id}`); toast(t('keys.revokedToast')); await load(); });
    } }, t('keys.revoke'));
    return button;
  }

  async function newKey() {
    const name = h('input', { maxlength: 200, 'data-field': 'key-name' });
    const created = await formDialog(t('aily.new'), (form) => form.append(field(t('aily.name'), name, t('aily.nameHint'))),
      () => api('POST', path, { body: { name: name.value } }), { submit: t('common.create') });
    if (!created) return;
    clear(fresh, h('div', { class: 'alert ok stack', role: 'status' }, h('strong', {}, t('aily.createdOnce')),
      h('div', { class: 'copyline' }, h('code', { 'data-new-key': '' }, created.key), copyButton(created.key)),
      h('pre', { class: 'code' }, `curl -X POST ${location.origin}/open-apis/aily/v1/sessions \\\n  -H "Authorization: Bearer ${created.key}" -H 'content-type: application/json' -d '{}'`)));
    await load();
  }

  await load().catch((error) => clear(list, errorBox(error)));
}

// The Feishu / Lark channel of a robot: the app's credentials, and the event URL to paste into Feishu's
// developer console (Events & callbacks -> request URL).
import { api } from '../api.js';
import { t } from '../i18n.js';
import { badge, busy, clear, confirmDialog, copyButton, empty, errorBox, field, formDialog, h, loading, toast } from '../ui.js';

export async function render(body, { params }) {
  const list = h('div', { class: 'stack' }, loading());
  const create = h('button', { type: 'button', class: 'primary', 'data-action': 'new-feishu', onclick: () => edit(null) }, t('feishu.new'));
  clear(body, h('div', { class: 'section-head' }, h('p', { class: 'muted' }, t('feishu.hint')), create), list);

  // The server answers a relative URL unless HUIDA_PUBLIC_BASE_URL is set: complete it with this address.
  const absolute = (url) => (url.startsWith('/') ? `${location.origin}${url}` : url);

  async function load() {
    const channels = (await api('GET', 'channels/feishu')).filter((c) => c.robotId === params.robotId);
    clear(list, channels.length ? channels.map(card) : empty(t('feishu.empty'), t('feishu.emptyHint')));
  }

  function card(c) {
    const url = absolute(c.eventUrl);
    const remove = h('button', { type: 'button', class: 'ghost small danger-text', onclick: async () => {
      if (!(await confirmDialog(t('feishu.confirmDelete', { name: c.name || c.appId })))) return;
      await busy(remove, async () => { await api('DELETE', `channels/feishu/${c.channelId}`); toast(t('common.deleted')); await load(); });
    } }, t('common.delete'));
    return h('article', { class: 'card stack', 'data-channel': c.channelId },
      h('div', { class: 'card-row' }, h('div', {}, h('strong', {}, c.name || c.appId), ' ', h('span', { class: 'muted mono small' }, c.appId)),
        h('div', { class: 'row-actions' }, badge(c.enabled ? t('common.enabled') : t('common.disabled'), c.enabled ? 'ok' : ''),
          badge(c.mode === 'webhook' ? t('feishu.modeWebhook') : t('feishu.modeLong')),
          h('button', { type: 'button', class: 'ghost small', onclick: () => edit(c) }, t('common.edit')), remove)),
      c.mode === 'webhook' ? h('div', { class: 'callout' }, h('div', { class: 'label' }, t('feishu.eventUrl')),
        h('div', { class: 'copyline' }, h('code', { 'data-event-url': '' }, url), copyButton(url)),
        h('p', { class: 'hint' }, t('feishu.eventUrlHint'))) : h('p', { class: 'muted' }, t('feishu.longHint')),
      h('dl', { class: 'facts inline-facts' },
        h('dt', {}, t('feishu.domain')), h('dd', {}, c.domain),
        h('dt', {}, t('feishu.encryptKey')), h('dd', {}, c.encryptKeySet ? '✓' : '—'),
        h('dt', {}, t('feishu.verificationToken')), h('dd', {}, c.verificationTokenSet ? '✓' : '—'),
        h('dt', {}, t('feishu.bot')), h('dd', {}, c.botName || c.botOpenId || '—')));
  }

  async function edit(c) {
    const name = h('input', { value: c ? c.name || '' : '', maxlength: 200 });
    const appId = h('input', { value: c ? c.appId : '', required: !c, placeholder: 'cli_xxxxxxxx', 'data-field': 'app-id' });
    const appSecret = h('input', { type: 'password', required: !c, autocomplete: 'off', 'data-field': 'app-secret',
      placeholder: c ? t('feishu.keep') : '' });
    const encryptKey = h('input', { type: 'password', autocomplete: 'off', placeholder: c && c.encryptKeySet ? t('feishu.keep') : '' });
    const verification = h('input', { type: 'password', autocomplete: 'off', placeholder: c && c.verificationTokenSet ? t('feishu.keep') : '' });
    const domain = h('select', {}, ['feishu', 'lark'].map((d) => h('option', { value: d, selected: c ? c.domain === d : d === 'feishu' }, d === 'feishu' ? t('feishu.feishu') : 'Lark')));
    const mode = h('select', {}, ['webhook', 'longConnection'].map((m) => h('option', { value: m, selected: c ? c.mode === m : m === 'webhook' },
      m === 'webhook' ? t('feishu.modeWebhook') : t('feishu.modeLong'))));
    const enabled = h('input', { type: 'checkbox', checked: c ? c.enabled : true });
    const saved = await formDialog(c ? t('feishu.edit') : t('feishu.new'), (form) => form.append(
      field(t('feishu.name'), name), h('div', { class: 'grid2' }, field('App ID', appId), field('App Secret', appSecret)),
      h('div', { class: 'grid2' }, field(t('feishu.encryptKey'), encryptKey, t('feishu.optional')), field(t('feishu.verificationToken'), verification, t('feishu.optional'))),
      h('div', { class: 'grid2' }, field(t('feishu.domain'), domain), field(t('feishu.mode'), mode)),
      h('label', { class: 'check' }, enabled, h('span', {}, t('common.enabled')))),
    () => {
      const bodyOut = { name: name.value || null, domain: domain.value, mode: mode.value, enabled: enabled.checked };
      if (appId.value) bodyOut.appId = appId.value.trim();
      if (appSecret.value) bodyOut.appSecret = appSecret.value.trim();
      if (encryptKey.value) bodyOut.encryptKey = encryptKey.value.trim();
      if (verification.value) bodyOut.verificationToken = verification.value.trim();
      if (c) return api('PUT', `channels/feishu/${c.channelId}`, { body: bodyOut });
      return api('POST', 'channels/feishu', { body: { ...bodyOut, robotId: params.robotId } });
    }, { submit: c ? t('common.save') : t('common.create') });
    if (saved) { toast(t('common.saved')); await load(); }
  }

  await load().catch((error) => clear(list, errorBox(error)));
}

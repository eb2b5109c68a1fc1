// Webhooks of a robot: subscribe, ping, pause, delete; each one's delivery log with the sent body and redelivery.
import { api, call } from '../api.js';
import { t } from '../i18n.js';
import { badge, busy, checkbox, clear, confirmDialog, empty, errorBox, field, formDialog, formatTime, h, loading, table, toast } from '../ui.js';

const EVENTS = ['feedback', 'satisfaction', 'comment', 'transfer-human', 'transfer-confirmation', 'session-closed'];
const STATE_KIND = { delivered: 'ok', failed: 'bad', pending: 'warn' };

export async function render(body, { params }) {
  const path = `robots/${params.robotId}/webhooks`;
  const list = h('div', { class: 'stack' }, loading());
  const create = h('button', { type: 'button', class: 'primary', 'data-action': 'new-webhook', onclick: () => newHook() }, t('hooks.new'));
  clear(body, h('div', { class: 'section-head' }, h('p', { class: 'muted' }, t('hooks.hint')), create), list);

  async function load() {
    const hooks = await api('GET', path);
    clear(list, hooks.length ? hooks.map(card) : empty(t('hooks.empty'), t('hooks.emptyHint')));
  }

  function card(hook) {
    const log = h('div', {});
    const toggle = h('button', { type: 'button', class: 'ghost small', 'aria-expanded': 'false', 'data-action': 'deliveries', onclick: async () => {
      const open = toggle.getAttribute('aria-expanded') === 'true';
      toggle.setAttribute('aria-expanded', String(!open));
      if (open) log.replaceChildren(); else await deliveries(hook, log);
    } }, t('hooks.deliveries'));
    const ping = h('button', { type: 'button', class: 'ghost small', 'data-action': 'ping', onclick: () => busy(ping, async () => {
      await api('POST', `${path}/${hook.webhookId}/ping`);
      toast(t('hooks.pinged'));
      toggle.setAttribute('aria-expanded', 'true');
      await deliveries(hook, log);
    }) }, t('hooks.ping'));
    const pause = h('button', { type: 'button', class: 'ghost small', onclick: () => busy(pause, async () => {
      await api('PUT', `${path}/${hook.webhookId}`, { body: { active: !hook.active } });
      await load();
    }) }, hook.active ? t('hooks.pause') : t('hooks.resume'));
    const remove = h('button', { type: 'button', class: 'ghost small danger-text', onclick: async () => {
      if (!(await confirmDialog(t('hooks.confirmDelete', { url: hook.url })))) return;
      await busy(remove, async () => { await api('DELETE', `${path}/${hook.webhookId}`); toast(t('common.deleted')); await load(); });
    } }, t('common.delete'));
    return h('article', { class: 'card', 'data-webhook': hook.webhookId },
      h('div', { class: 'card-row' }, h('div', {}, h('div', { class: 'mono strong break' }, hook.url),
        h('div', { class: 'muted small' }, hook.events.map((e) => badge(t(`event.${e}`), 'type')), ' ',
          t('hooks.secret'), ' ', hook.secretHint, ' · ', t('hooks.inFlight', { n: hook.maxInFlight }))),
      h('div', { class: 'row-actions' }, badge(hook.active ? t('common.enabled') : t('hooks.paused'), hook.active ? 'ok' : ''),
        toggle, ping, pause, remove)), log);
  }

  async function deliveries(hook, slot) {
    clear(slot, loading());
    try {
      const page = await call('GET', `${path}/${hook.webhookId}/deliveries`, { query: { size: 50 } });
      const rows = page.entity;
      if (!rows.length) { clear(slot, h('p', { class: 'muted pad' }, t('hooks.noDeliveries'))); return; }
      clear(slot, table([
        { label: t('hooks.event'), render: (d) => d.event },
        { label: t('hooks.state'), render: (d) => badge(t(`state.${d.state}`), STATE_KIND[d.state] || '') },
        { label: t('hooks.attempts'), class: 'num', render: (d) => String(d.attempts) },
        { label: t('hooks.lastResult'), render: (d) => h('span', { class: 'small' }, d.lastStatusCode ? `HTTP ${d.lastStatusCode}` : '', d.lastError ? h('span', { class: 'danger-text' }, ` ${d.lastError}`) : '',
          d.lastLatencyMs !== null ? h('span', { class: 'muted' }, ` · ${d.lastLatencyMs} ms`) : '') },
        { label: t('hooks.created'), class: 'nowrap', render: (d) => formatTime(d.createDateTime) },
        { label: h('span', { class: 'sr-only' }, t('common.actions')), class: 'right nowrap', render: (d) => h('div', { class: 'row-actions' },
          h('button', { type: 'button', class: 'ghost small', 'data-action': 'view-delivery', onclick: () => showDelivery(hook, d) }, t('hooks.view')),
          redeliverButton(hook, d, slot)) },
      ], rows, { rowAttrs: (d) => ({ 'data-delivery': d.deliveryId }) }), h('p', { class: 'muted small pad' }, t('hooks.total', { n: page.totalElements })));
    } catch (error) { clear(slot, errorBox(error)); }
  }

  function redeliverButton(hook, delivery, slot) {
    const button = h('button', { type: 'button', class: 'ghost small', 'data-action': 'redeliver', onclick: () => busy(button, async () => {
      await api('POST', `${path}/${hook.webhookId}/deliveries/${delivery.deliveryId}/redeliver`);
      toast(t('hooks.redelivered'));
      await deliveries(hook, slot);
    }) }, t('hooks.redeliver'));
    return button;
  }

  async function showDelivery(hook, delivery) {
    const full = await api('GET', `${path}/${hook.webhookId}/deliveries/${delivery.deliveryId}`);
    await formDialog(t('hooks.delivery', { event: full.event }), (form) => form.append(
      h('h3', {}, t('hooks.body')), h('pre', { class: 'code' }, JSON.stringify(full.body, null, 2)),
      h('h3', {}, t('hooks.attemptLog')), full.attemptLog.length ? table([
        { label: '#', render: (a) => String(a.attempt) },
        { label: t('hooks.lastResult'), render: (a) => (a.statusCode ? `HTTP ${a.statusCode}` : a.error || '—') },
        { label: 'ms', class: 'num', render: (a) => String(a.latencyMs ?? '—') },
        { label: t('hooks.created'), render: (a) => formatTime(a.dateTime) }], full.attemptLog) : h('p', { class: 'muted' }, t('hooks.noAttempts'))),
    async () => true, { submit: t('common.close') });
  }

  async function newHook() {
    const url = h('input', { type: 'url', required: true, placeholder: 'https://example.com/huida', 'data-field': 'webhook-url' });
    const secret = h('input', { required: true, 'data-field': 'webhook-secret', autocomplete: 'off' });
    const generate = h('button', { type: 'button', class: 'ghost small', onclick: () => {
      const bytes = crypto.getRandomValues(new Uint8Array(24));
      secret.value = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
    } }, t('hooks.generate'));
    const events = EVENTS.map((e) => checkbox(t(`event.${e}`), true, { value: e }));
    const created = await formDialog(t('hooks.new'), (form) => form.append(field(t('hooks.url'), url),
      h('div', { class: 'inline grow' }, field(t('hooks.secret'), secret, t('hooks.secretHint')), generate),
      h('div', { class: 'label' }, t('hooks.events')), h('div', { class: 'checks' }, events)),
    () => api('POST', path, { body: { url: url.value, secret: secret.value,
      events: events.map((c) => c.querySelector('input')).filter((i) => i.checked).map((i) => i.value) } }), { submit: t('common.create') });
    if (created) { toast(t('hooks.created.toast')); await load(); }
  }

  await load().catch((error) => clear(list, errorBox(error)));
}

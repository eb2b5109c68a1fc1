// Conversations: the tenant's recent conversations and a keyword search, through the reading API
// (GET /conversations/search); one row per conversation (session), opened on its own page.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { busy, clear, empty, errorBox, formatTime, h, loading, pageHeader, table } from '../ui.js';

const WINDOWS = ['today', 'last_7_days', 'last_30_days', 'last_90_days'];
// Robot answers read as Markdown: a list row shows their pictures as a word.
const preview = (text) => (text || '').replace(/!\[[^\]]*\]\([^)]*\)/g, `[${t('knowledge.image')}]`);

export async function render(main, { params, robot, robots }) {
  const base = `/console/robots/${params.robotId}/conversations`;
  const query = new URLSearchParams(location.search);
  const names = Object.fromEntries(robots.map((r) => [r.robotId, r.name]));
  const keywords = h('input', { type: 'search', name: 'q', value: query.get('q') || '', placeholder: t('conv.searchPlaceholder'),
    'aria-label': t('conv.search'), 'data-field': 'conv-search' });
  const window = h('select', { 'aria-label': t('conv.window') }, WINDOWS.map((w) => h('option', { value: w, selected: w === (query.get('window') || 'last_30_days') }, t(`conv.${w}`))));
  const results = h('div', { class: 'card flush', 'aria-live': 'polite' });
  const more = h('div', { class: 'pager' });
  let chats = new Map();
  let pageToken = null;

  async function load(append) {
    const q = keywords.value.trim();
    if (!append) {
      chats = new Map();
      pageToken = null;
      clear(results, loading());
      const url = new URLSearchParams();
      if (q) url.set('q', q);
      if (window.value !== 'last_30_days') url.set('window', window.value);
      history.replaceState(null, '', base + (url.toString() ? `?${url}` : ''));
    }
    const entity = await api('GET', 'conversations/search', { query: { query: q || null, relative_time: window.value,
      sender_type: 'all', page_size: 50, page_token: pageToken } });
    for (const m of entity.items) {
      const id = m.chat_id;
      if (!chats.has(id)) chats.set(id, { id, first: m, hits: 0, robotId: null, visitor: null, channel: m.channel });
      const chat = chats.get(id);
      chat.hits += 1;
      if (m.sender.sender_type === 'bot') chat.robotId = m.sender.id; else if (m.sender.role === 'visitor') chat.visitor = m.sender.id;
    }
    pageToken = entity.has_more ? entity.page_token : null;
    draw(q);
  }

  function draw(q) {
    const rows = [...chats.values()];
    if (!rows.length) {
      clear(results, empty(q ? t('conv.noMatch', { q }) : t('conv.empty'), t('conv.emptyHint')));
    } else {
      clear(results, table([
        { label: t('conv.visitor'), render: (c) => h('a', { href: `${base}/${encodeURIComponent(c.id)}`, class: 'strong', 'data-chat': c.id },
          c.first.chat_partner ? c.first.chat_partner.name : (c.visitor || c.first.chat_name || c.id)) },
        { label: q ? t('conv.matched') : t('conv.latest'), render: (c) => h('div', { class: 'clamp' },
          h('span', { class: 'muted small' }, c.first.sender.sender_type === 'bot' ? `${t('conv.robot')}: ` : `${t('conv.visitor')}: `), preview(c.first.content)) },
        { label: t('conv.robotCol'), render: (c) => (c.robotId ? names[c.robotId] || c.robotId : '—') },
        { label: t('conv.channel'), render: (c) => c.channel || '—' },
        { label: t('conv.time'), class: 'nowrap', render: (c) => formatTime(c.first.create_time) },
      ], rows, { caption: t('nav.conversations') }));
    }
    clear(more, h('span', { class: 'muted small' }, t('conv.count', { n: rows.length })),
      pageToken ? moreButton() : null);
  }

  function moreButton() {
    const button = h('button', { type: 'button', class: 'ghost small', onclick: () => busy(button, () => load(true), results) }, t('common.more'));
    return button;
  }

  const submit = h('button', { type: 'submit', class: 'secondary', 'data-action': 'conv-search' }, t('conv.search'));
  const form = h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    busy(submit, () => load(false), results);
  } }, keywords, window, submit);
  window.addEventListener('change', () => load(false).catch((e) => clear(results, errorBox(e))));
  clear(main, pageHeader(t('nav.conversations'), t('conv.subtitle', { robot: robot.name })), form, results, more);
  await load(false).catch((e) => clear(results, errorBox(e)));
}

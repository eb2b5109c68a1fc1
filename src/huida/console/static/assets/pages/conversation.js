// One conversation: its messages in order (reading API), each answer's thumbs and the session's ratings.
import { api, imageUrl } from '../api.js';
import { icon } from '../icons.js';
import { t } from '../i18n.js';
import { badge, clear, empty, formatTime, h, pageHeader } from '../ui.js';

const IMAGE = /!\[[^\]]*\]\(((?:img|file)_[A-Za-z0-9_-]+)\)/g;
const MAX_PAGES = 10;

export async function render(main, { params }) {
  const back = `/console/robots/${params.robotId}/conversations`;
  const messages = [];
  let token = null;
  for (let i = 0; i < MAX_PAGES; i += 1) {
    const page = await api('GET', 'conversations/messages', { query: { chat_id: params.sessionId, sort_rule: 'create_time_asc',
      page_size: 50, page_token: token } });
    messages.push(...page.items);
    if (!page.has_more) break;
    token = page.page_token;
  }
  const robotId = (messages.find((m) => m.sender.sender_type === 'bot') || { sender: { id: params.robotId } }).sender.id;
  const visitor = messages.find((m) => m.sender.role === 'visitor');
  const thread = h('ol', { class: 'chat', 'aria-label': t('conv.messages') });
  const ratings = h('div', { class: 'stack' });
  for (const m of messages) {
    const fromRobot = m.sender.sender_type === 'bot';
    const feedback = h('div', { class: 'feedback' });
    thread.append(h('li', { class: `bubble ${fromRobot ? 'robot' : 'visitor'}`, 'data-message': m.message_id, 'data-from': fromRobot ? 'robot' : m.sender.role },
      h('div', { class: 'meta' }, h('strong', {}, fromRobot ? t('conv.robot') : t(`role.${m.sender.role}`)), ' · ', formatTime(m.create_time)),
      h('div', { class: 'text' }, content(m)), feedback));
    if (fromRobot) loadThumbs(robotId, m.message_id, feedback);
  }
  loadRatings(robotId, params.sessionId, ratings);
  clear(main, pageHeader(t('conv.title'), visitor ? t('conv.with', { v: visitor.sender.id }) : params.sessionId,
    h('a', { href: back, class: 'button ghost' }, `← ${t('nav.conversations')}`)),
  h('div', { class: 'conversation' },
    h('section', { class: 'card' }, messages.length ? thread : empty(t('conv.noMessages'))),
    h('aside', { class: 'card side' }, h('h2', {}, t('conv.details')),
      h('dl', { class: 'facts' }, h('dt', {}, t('conv.session')), h('dd', { class: 'mono small' }, params.sessionId),
        h('dt', {}, t('conv.channel')), h('dd', {}, (messages[0] && messages[0].channel) || '—'),
        h('dt', {}, t('conv.messageCount')), h('dd', {}, String(messages.length))),
      h('h3', {}, t('conv.ratings')), ratings)));
}

// Robot answers read as Markdown; images are resources of the message, fetched with the token.
function content(m) {
  const text = m.content || '';
  const parts = [];
  let last = 0;
  for (const found of text.matchAll(IMAGE)) {
    parts.push(text.slice(last, found.index));
    const img = h('img', { alt: t('knowledge.image'), class: 'chat-image' });
    imageUrl(`conversations/messages/${m.message_id}/resources/${found[1]}?type=image`).then((url) => { img.src = url; }).catch(() => { img.replaceWith('🖼'); });
    parts.push(img);
    last = found.index + found[0].length;
  }
  parts.push(text.slice(last));
  return parts;
}

async function loadThumbs(robotId, msgId, slot) {
  try {
    const state = await api('GET', `knowledge/robots/${robotId}/messages/${msgId}/feedback`, { query: { size: 1 } });
    if (state.feedbackStatus === 'none') return;
    const up = state.feedbackStatus === 'thumb-up';
    clear(slot, h('span', { class: `thumb ${up ? 'up' : 'down'}`, 'data-thumb': state.feedbackStatus },
      icon(state.feedbackStatus), t(up ? 'conv.thumbUp' : 'conv.thumbDown')), state.feedback ? h('q', { class: 'reason' }, state.feedback) : null);
  } catch { /* an answer without feedback support (another channel's message) shows nothing */ }
}

async function loadRatings(robotId, sessionId, slot) {
  try {
    const [list, comment] = await Promise.all([
      api('GET', `comment/robots/${robotId}/session/${encodeURIComponent(sessionId)}/satisfactionComments`, { query: { size: 100 } }),
      api('GET', `comment/robots/${robotId}/comment`, { query: { sessionId } }).catch(() => null),
    ]);
    const items = [];
    if (comment) items.push(h('div', { class: 'rating', 'data-rating': 'comment' }, badge(t('conv.score', { n: comment.score ?? '—' }), 'ok'), ' ',
      comment.tag || '', comment.comment ? h('q', { class: 'reason' }, comment.comment) : null));
    for (const r of list) {
      items.push(h('div', { class: 'rating', 'data-rating': 'answer' }, badge(r.type === 1 ? t('conv.solved') : t('conv.notSolved'), r.type === 1 ? 'ok' : 'bad'),
        ' ', r.reasonTag || '', h('div', { class: 'muted small' }, formatTime(r.createDateTime))));
    }
    clear(slot, items.length ? items : h('p', { class: 'muted' }, t('conv.noRatings')));
  } catch (error) {
    clear(slot, h('p', { class: 'muted' }, error.message));
  }
}

// Rules of a robot: search, filter by category, type and status, page through, delete; categories.
import { api, call } from '../api.js';
import { t } from '../i18n.js';
import { badge, clear, confirmDialog, empty, errorBox, field, formDialog, formatTime, h, loading, pageHeader,
  table, toast } from '../ui.js';
import { knowledgeTabs } from './knowledge-tabs.js';

const PER_PAGE = 20;
const TYPES = ['TEXT', 'PIC', 'NEWS', 'MENU', 'HUMAN', 'VIDEO', 'AUDIO'];

export async function render(main, { params, robot }) {
  const base = `/console/robots/${params.robotId}/knowledge`;
  const query = new URLSearchParams(location.search);
  const state = { q: query.get('q') || '', category: query.get('category') || '', type: query.get('type') || '',
    status: query.get('status') || '', page: Number(query.get('page')) || 1 };
  let categories = await api('GET', `knowledge/robots/${params.robotId}/categories`);
  const results = h('div', { class: 'card flush', 'aria-live': 'polite' });
  const categoryNav = h('nav', { class: 'categories', 'aria-label': t('knowledge.categories') });

  const search = h('input', { type: 'search', name: 'q', value: state.q, placeholder: t('knowledge.searchPlaceholder'),
    'aria-label': t('knowledge.search') });
  const typeSelect = h('select', { name: 'type', 'aria-label': t('knowledge.answerType') },
    h('option', { value: '' }, t('knowledge.allTypes')), TYPES.map((ty) => h('option', { value: ty, selected: ty === state.type }, t(`type.${ty}`))));
  const statusSelect = h('select', { name: 'status', 'aria-label': t('robots.status') },
    h('option', { value: '' }, t('knowledge.allStatus')),
    ['ENABLE', 'DISABLE'].map((st) => h('option', { value: st, selected: st === state.status }, t(`status.${st}`))));
  const filters = h('form', { class: 'toolbar', role: 'search', onsubmit: (e) => {
    e.preventDefault();
    Object.assign(state, { q: search.value.trim(), type: typeSelect.value, status: statusSelect.value, page: 1 });
    load();
  } }, search, typeSelect, statusSelect, h('button', { type: 'submit', class: 'secondary' }, t('knowledge.search')));

  function drawCategories() {
    const item = (id, name) => h('button', { type: 'button', class: `cat${state.category === id ? ' active' : ''}`,
      'aria-pressed': String(state.category === id), onclick: () => { state.category = id; state.page = 1; drawCategories(); load(); } }, name);
    clear(categoryNav, h('div', { class: 'cat-head' }, h('strong', {}, t('knowledge.categories')),
      h('button', { type: 'button', class: 'ghost small', 'data-action': 'new-category', onclick: newCategory, title: t('knowledge.newCategory') }, '+')),
    item('', t('knowledge.allCategories')), categories.map((c) => h('div', { class: 'cat-row' }, item(c.id, c.name),
      c.id === 'default' ? null : h('button', { type: 'button', class: 'ghost small icon', title: t('common.delete'),
        'aria-label': `${t('common.delete')} ${c.name}`, onclick: () => removeCategory(c) }, '×'))));
  }

  async function newCategory() {
    const name = h('input', { required: true, maxlength: 200 });
    const created = await formDialog(t('knowledge.newCategory'), (form) => form.append(field(t('knowledge.categoryName'), name)),
      () => api('POST', `knowledge/robots/${params.robotId}/categories`, { body: { name: name.value } }), { submit: t('common.create') });
    if (created) { categories = await api('GET', `knowledge/robots/${params.robotId}/categories`); drawCategories(); }
  }

  async function removeCategory(category) {
    if (!(await confirmDialog(t('knowledge.confirmDeleteCategory', { name: category.name })))) return;
    try {
      await api('DELETE', `knowledge/robots/${params.robotId}/categories/${category.id}`);
      categories = categories.filter((c) => c.id !== category.id);
      if (state.category === category.id) state.category = '';
      drawCategories(); load();
    } catch (error) { toast(error.message, 'error'); }
  }

  const names = () => Object.fromEntries(categories.map((c) => [c.id, c.name]));

  let latest = 0;  // the newest load: an older answer arriving after it (a slow search) must not replace it

  async function load() {
    const mine = ++latest;
    const url = new URLSearchParams();
    for (const [k, v] of Object.entries(state)) if (v && !(k === 'page' && v === 1)) url.set(k, v);
    history.replaceState(null, '', base + (url.toString() ? `?${url}` : ''));
    sessionStorage.setItem('huida.console.rules', location.pathname + location.search);  // where saving a rule returns
    clear(results, loading());
    try {
      const body = await call('GET', `knowledge/robots/${params.robotId}/rules/search`, { query: {
        q: state.q, categoryIds: state.category, type: state.type, status: state.status, page: state.page, per_page: PER_PAGE } });
      if (mine === latest) drawResults(body);
    } catch (error) { if (mine === latest) clear(results, errorBox(error)); }
  }

  function drawResults(body) {
    const rules = body.entity || [];
    if (!rules.length) {
      clear(results, empty(state.q ? t('knowledge.noMatch', { q: state.q }) : t('knowledge.empty'), t('knowledge.emptyHint'),
        h('a', { href: `${base}/rules/new`, class: 'button primary' }, t('knowledge.newRule'))));
      return;
    }
    const catNames = names();
    clear(results, table([
      { label: t('knowledge.question'), class: 'col-question', render: (r) => h('div', {},
        h('a', { href: `${base}/rules/${encodeURIComponent(r.id)}`, class: 'strong', 'data-rule': r.id }, r.questionsArray[0]),
        r.questionsArray.length > 1 ? h('div', { class: 'muted small clamp' }, t('knowledge.similarCount', { n: r.questionsArray.length - 1 }),
          ': ', r.questionsArray.slice(1, 4).join(' · ')) : null) },
      { label: t('knowledge.answer'), class: 'col-answer', render: (r) => h('div', {}, (r.answerType || []).map((ty) => badge(t(`type.${ty}`), 'type')),
        h('div', { class: 'muted small clamp' }, r.answers[0] && r.answers[0].type === 'TEXT' ? r.answers[0].answer : '')) },
      { label: t('knowledge.category'), class: 'col-category', render: (r) => (r.categoryIds || []).map((id) => catNames[id] || id).join(', ') || '—' },
      { label: t('robots.status'), render: (r) => badge(t(`status.${r.status}`), r.status === 'ENABLE' ? 'ok' : '') },
      { label: t('knowledge.hits'), class: 'num wide-only', render: (r) => String(r.hitCount ?? 0) },
      { label: t('knowledge.updated'), class: 'nowrap muted small wide-only', render: (r) => formatTime(r.updateTime).slice(0, 10) },
      { label: h('span', { class: 'sr-only' }, t('common.actions')), class: 'right nowrap', render: (r) => h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'ghost small danger-text', 'data-delete': r.id, onclick: () => removeRule(r) }, t('common.delete'))) },
    ], rules, { caption: t('knowledge.rules') }), pager(body));
  }

  function pager(body) {
    const pages = body.totalPages || 1;
    const go = (page) => { state.page = page; load(); };
    return h('div', { class: 'pager' }, h('span', { class: 'muted' }, t('knowledge.total', { n: body.totalElements })),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'ghost small', disabled: state.page <= 1, onclick: () => go(state.page - 1) }, t('common.prev')),
        h('span', { class: 'small' }, `${state.page} / ${pages}`),
        h('button', { type: 'button', class: 'ghost small', disabled: state.page >= pages, onclick: () => go(state.page + 1) }, t('common.next'))));
  }

  async function removeRule(rule) {
    if (!(await confirmDialog(t('knowledge.confirmDelete', { q: rule.questionsArray[0] })))) return;
    try {
      await api('DELETE', `knowledge/robots/${params.robotId}/rules/${encodeURIComponent(rule.id)}`);
      toast(t('common.deleted'));
      load();
    } catch (error) { toast(error.message, 'error'); }
  }

  drawCategories();
  clear(main, pageHeader(t('nav.knowledge'), robot.name,
    h('a', { href: `${base}/rules/new`, class: 'button primary', 'data-action': 'new-rule' }, t('knowledge.newRule'))),
  knowledgeTabs(params.robotId, 'rules'), filters, h('div', { class: 'split' }, categoryNav, results));
  await load();
}

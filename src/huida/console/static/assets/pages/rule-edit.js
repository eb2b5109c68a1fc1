// Create or edit one rule: its standard question, similar questions, categories, status and answers.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { busy, checkbox, clear, field, h, pageHeader, toast } from '../ui.js';
import { answerEditor } from './answers.js';

export async function render(main, { params, robot, navigate }) {
  const list = sessionStorage.getItem('huida.console.rules') || '';
  // Back to the list as it was left (its search, category and page), when it was this robot's.
  const base = list.startsWith(`/console/robots/${params.robotId}/knowledge`) ? list : `/console/robots/${params.robotId}/knowledge`;
  const isNew = !params.ruleId;
  const kb = `knowledge/robots/${params.robotId}`;
  const [rule, categories] = await Promise.all([
    isNew ? Promise.resolve(null) : api('GET', `${kb}/rules/${encodeURIComponent(params.ruleId)}`),
    api('GET', `${kb}/categories`),
  ]);
  // Lists the answer editors need, fetched once and only when asked for.
  let rulesPromise = null;
  let articlesPromise = null;
  const context = {
    rules: () => (rulesPromise ||= api('GET', `${kb}/rules/search`, { query: { per_page: 500 } })
      .then((list) => list.filter((r) => !rule || r.id !== rule.id))),
    articles: (refresh) => ((refresh || !articlesPromise) ? (articlesPromise = api('GET', 'material/news/articles', { query: { size: 100 } })) : articlesPromise),
    remove: (el) => { editors = editors.filter((e) => e.el !== el); el.remove(); },
  };

  const questions = rule ? rule.questionsArray : [];
  const standard = h('input', { value: questions[0] || '', required: true, maxlength: 2000, 'data-field': 'standard-question' });
  const similar = h('div', { class: 'stack similar' });
  const addSimilar = (text = '', focus = false) => {
    const input = h('input', { value: text, maxlength: 2000, 'data-field': 'similar-question', 'aria-label': t('knowledge.similarQuestion'),
      onkeydown: (e) => { if (e.key === 'Enter') { e.preventDefault(); addSimilar('', true); } } });
    const row = h('div', { class: 'inline' }, input,
      h('button', { type: 'button', class: 'ghost small icon', 'aria-label': t('common.remove'), onclick: () => row.remove() }, '×'));
    similar.append(row);
    if (focus) input.focus();
  };
  questions.slice(1).forEach((q) => addSimilar(q));
  if (isNew) addSimilar();

  const chosen = new Set(rule ? rule.categoryIds : []);
  const cats = h('div', { class: 'checks' }, categories.filter((c) => c.id !== 'default').map((c) => checkbox(c.name, chosen.has(c.id), {
    value: c.id, onchange: (e) => { if (e.target.checked) chosen.add(c.id); else chosen.delete(c.id); } })));
  const enabled = checkbox(t('status.ENABLE'), !rule || rule.status === 'ENABLE', { 'data-field': 'status' });
  const mode = h('select', {}, ['ONE', 'ALL'].map((m) => h('option', { value: m, selected: rule ? rule.answerMode === m : m === 'ONE' }, t(`knowledge.mode${m}`))));

  const answersBox = h('div', { class: 'stack' });
  let editors = [];
  const addAnswer = (answer) => { const editor = answerEditor(answer, context); editors.push(editor); answersBox.append(editor.el); };
  (rule ? rule.answers : [{ type: 'TEXT', answer: '' }]).forEach(addAnswer);

  const error = h('div', { 'aria-live': 'assertive' });
  const save = h('button', { type: 'submit', class: 'primary', 'data-action': 'save-rule' }, t('common.save'));
  const form = h('form', { class: 'rule-form', onsubmit: async (event) => {
    event.preventDefault();
    await busy(save, async () => {
      const asked = [standard.value.trim(), ...[...similar.querySelectorAll('input')].map((i) => i.value.trim())].filter(Boolean);
      if (!editors.length) throw new Error(t('knowledge.needAnswer'));
      const body = {
        ...(rule ? { enableTime: rule.enableTime, disableTime: rule.disableTime, extInfo: rule.extInfo, topic: rule.topic,
          strategyGroupId: rule.strategyGroupId } : {}),
        questions: asked, answers: editors.map((e) => e.value()), categoryIds: [...chosen],
        status: enabled.querySelector('input').checked ? 'ENABLE' : 'DISABLE', answerMode: mode.value,
      };
      if (isNew) await api('POST', `${kb}/rules`, { body });
      else await api('PUT', `${kb}/rules/${encodeURIComponent(rule.id)}`, { body });
      toast(t('common.saved'));
      navigate(base);
    }, error);
  } },
  h('fieldset', { class: 'card' }, h('legend', {}, t('knowledge.questions')),
    field(t('knowledge.standardQuestion'), standard),
    h('div', { class: 'label' }, t('knowledge.similarQuestions')), h('p', { class: 'hint' }, t('knowledge.similarHint')), similar,
    h('div', {}, h('button', { type: 'button', class: 'ghost small', 'data-action': 'add-similar', onclick: () => addSimilar('', true) }, t('knowledge.addSimilar')))),
  h('fieldset', { class: 'card' }, h('legend', {}, t('knowledge.answers')), answersBox,
    h('div', { class: 'inline' }, h('button', { type: 'button', class: 'ghost small', 'data-action': 'add-answer',
      onclick: () => addAnswer({ type: 'TEXT', answer: '' }) }, t('knowledge.addAnswer')), field(t('knowledge.answerMode'), mode))),
  h('fieldset', { class: 'card' }, h('legend', {}, t('knowledge.categoryAndStatus')),
    categories.length > 1 ? cats : h('p', { class: 'muted' }, t('knowledge.noCategories')), enabled),
  h('div', { class: 'sticky-actions' }, error, h('a', { href: base, class: 'button ghost' }, t('common.cancel')), save));
  clear(main, pageHeader(isNew ? t('knowledge.newRule') : t('knowledge.editRule'), robot.name), form);
  if (isNew) standard.focus();
}

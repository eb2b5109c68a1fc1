// Knowledge health: duplicate questions, rules to merge, one-question rules, rules not hit lately.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { clear, empty, field, h, loading, pageHeader, table } from '../ui.js';
import { knowledgeTabs } from './knowledge-tabs.js';

export async function render(main, { params, robot }) {
  const base = `/console/robots/${params.robotId}/knowledge`;
  const days = h('select', { 'aria-label': t('health.days') }, [7, 30, 90, 365].map((d) => h('option', { value: d, selected: d === 30 }, t('health.daysN', { n: d }))));
  const body = h('div', { class: 'stack' }, loading());
  const ruleLink = (id, text) => h('a', { href: `${base}/rules/${encodeURIComponent(id)}` }, text || id);
  const load = async () => {
    clear(body, loading());
    const report = await api('GET', `knowledge/robots/${params.robotId}/health`, { query: { days: days.value, limit: 100 } });
    const s = report.summary;
    const tile = (value, label, warn) => h('div', { class: `stat${warn && value ? ' warn' : ''}` }, h('div', { class: 'stat-value' }, String(value)), h('div', { class: 'stat-label' }, label));
    const block = (title, list, columns) => h('section', { class: 'card flush' },
      h('header', { class: 'card-head' }, h('h2', {}, title, ' ', h('span', { class: 'muted' }, `(${list.total})`)), h('p', { class: 'muted small' }, list.advice)),
      list.items.length ? table(columns, list.items) : h('p', { class: 'pad muted' }, t('health.none')));
    clear(body,
      h('div', { class: 'stats' }, tile(s.rules, t('health.rules')), tile(s.questions, t('health.questions')),
        tile(s.duplicateQuestions, t('health.duplicates'), true), tile(s.overlappingPairs, t('health.overlaps'), true),
        tile(s.singleQuestionRules, t('health.single'), true), tile(s.neverHitRules, t('health.neverHit', { n: report.days }), true)),
      block(t('health.duplicates'), report.duplicateQuestions, [
        { label: t('knowledge.question'), render: (i) => i.question },
        { label: t('import.rules'), render: (i) => i.rules.map((r) => ruleLink(r.ruleId, r.standardQuestion)).flatMap((a) => [a, ' · ']).slice(0, -1) }]),
      block(t('health.overlaps'), report.overlappingPairs, [
        { label: t('import.rules'), render: (i) => i.rules.map((r) => ruleLink(r.ruleId, r.standardQuestion)).flatMap((a) => [a, ' · ']).slice(0, -1) },
        { label: t('health.example'), render: (i) => i.exampleQuestion || '—' },
        { label: t('health.score'), class: 'num', render: (i) => Number(i.bestScore).toFixed(3) }]),
      block(t('health.single'), report.singleQuestionRules, [
        { label: t('knowledge.standardQuestion'), render: (i) => ruleLink(i.ruleId, i.standardQuestion) }]),
      block(t('health.neverHit', { n: report.days }), report.neverHitRules, [
        { label: t('knowledge.standardQuestion'), render: (i) => ruleLink(i.ruleId, i.standardQuestion) },
        { label: t('knowledge.questions'), class: 'num', render: (i) => String(i.questions) },
        { label: t('knowledge.hits'), class: 'num', render: (i) => String(i.hitCount ?? 0) }]));
    if (!s.rules) clear(body, empty(t('knowledge.empty'), t('knowledge.emptyHint')));
  };
  days.addEventListener('change', load);
  clear(main, pageHeader(t('nav.knowledge'), robot.name), knowledgeTabs(params.robotId, 'health'),
    h('div', { class: 'toolbar' }, field(t('health.days'), days)), body);
  await load();
}

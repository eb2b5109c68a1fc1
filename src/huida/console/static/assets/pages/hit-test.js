// Hit test: what the robot would do with a question (nothing is logged or counted): the decision, the
// candidates with their confidence against the thresholds and each signal's own score for them, and which
// matching signals are on and why.
import { api } from '../api.js';
import { t } from '../i18n.js';
import { badge, busy, clear, empty, field, h, pageHeader, percent, table } from '../ui.js';

const DECISION_KIND = { BEST_ANSWER: 'ok', RECOMMENDATE_QUESTIONS: 'warn', DEFAULT: 'bad', SENSITIVE_WORD_INTERCEPTION: 'bad' };

export function render(main, { params, robot }) {
  const base = `/console/robots/${params.robotId}/knowledge`;
  const question = h('input', { type: 'search', name: 'question', required: true, maxlength: 2000, 'data-field': 'hit-question',
    placeholder: t('hit.placeholder'), autocomplete: 'off' });
  const topK = h('select', { 'aria-label': t('hit.topK') }, [5, 10, 20].map((k) => h('option', { value: k }, t('hit.topN', { n: k }))));
  const result = h('div', { class: 'stack', 'aria-live': 'polite', 'data-hit-result': '' },
    empty(t('hit.emptyTitle'), t('hit.emptyHint')));
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'hit-test' }, t('hit.submit'));
  const form = h('form', { class: 'card hit-form', onsubmit: async (event) => {
    event.preventDefault();
    await busy(submit, async () => {
      const entity = await api('POST', `knowledge/robots/${params.robotId}/hit-test`, { body: { question: question.value, topK: Number(topK.value) } });
      draw(entity);
    }, result);
  } }, h('div', { class: 'inline grow' }, field(t('hit.question'), question), topK, submit));

  function draw(e) {
    const answerAt = e.thresholds.answer;
    const recommendAt = e.thresholds.recommend;
    const bar = (score) => h('div', { class: 'scorebar', role: 'img', 'aria-label': score.toFixed(3) },
      h('div', { class: 'fill', style: { width: `${Math.min(100, score * 100)}%` } }),
      recommendAt !== null ? h('div', { class: 'mark rec', style: { left: `${recommendAt * 100}%` }, title: t('hit.recommendThreshold') }) : null,
      answerAt !== null ? h('div', { class: 'mark ans', style: { left: `${answerAt * 100}%` }, title: t('hit.answerThreshold') }) : null);
    const matched = e.candidates.find((c) => c.ruleId === e.ruleId);
    clear(result,
      h('section', { class: 'card decision' },
        h('div', { class: 'decision-head' },
          badge(t(`decision.${e.decision}`), DECISION_KIND[e.decision] || ''), ' ',
          h('span', { class: 'muted small', 'data-decision': e.decision }, `${e.decision} · ${e.answerSource || '—'}`)),
        e.ruleId ? h('p', {}, t('hit.answeredBy'), ' ', h('a', { href: `${base}/rules/${encodeURIComponent(e.ruleId)}`, class: 'strong', 'data-hit-rule': e.ruleId },
          matched ? matched.standardQuestion : e.ruleId)) : h('p', { class: 'muted' }, t('hit.noRule')),
        h('div', { class: 'stats' },
          stat(t('hit.answerThreshold'), fmt(answerAt), e.calibrated.answer !== answerAt ? t('hit.calibratedWas', { v: fmt(e.calibrated.answer) }) : t('hit.calibrated')),
          stat(t('hit.recommendThreshold'), fmt(recommendAt), e.calibrated.recommend !== recommendAt ? t('hit.calibratedWas', { v: fmt(e.calibrated.recommend) }) : t('hit.calibrated')),
          stat(t('settings.expectedPrecision'), percent(e.expected && e.expected.precision)),
          stat(t('settings.expectedAnswerRate'), percent(e.expected && e.expected.answerRate)))),
      h('section', { class: 'card flush' }, h('header', { class: 'card-head' }, h('h2', {}, t('hit.candidates')),
        h('p', { class: 'muted small' }, t('hit.legend'), ' ', t('hit.signalLegend'))),
      e.candidates.length ? table([
        { label: '#', class: 'num', render: (c) => String(e.candidates.indexOf(c) + 1) },
        { label: t('hit.matchedQuestion'), render: (c) => h('div', {}, h('a', { href: `${base}/rules/${encodeURIComponent(c.ruleId)}`, 'data-candidate': c.ruleId }, c.standardQuestion),
          c.question !== c.standardQuestion ? h('div', { class: 'muted small' }, `≈ ${c.question}`) : null) },
        { label: t('hit.score'), render: (c) => h('div', { class: 'score' }, bar(c.score), h('span', { class: 'mono small' }, c.score.toFixed(3))) },
        { label: t('hit.signalScores'), render: (c) => signalScores(c.signalScores || {}) },
        { label: t('hit.exact'), render: (c) => (c.exact ? badge(t('hit.exactYes'), 'ok') : '') },
      ], e.candidates, { rowAttrs: (c) => ({ class: c.ruleId === e.ruleId ? 'highlight' : null }) }) : h('p', { class: 'pad muted' }, t('hit.noCandidates'))),
      h('section', { class: 'card' }, h('h2', {}, t('settings.signals')),
        h('ul', { class: 'signals' }, (e.signals || []).map((s) => h('li', { 'data-signal': s.name },
          badge(s.on ? t('common.on') : t('common.off'), s.on ? 'ok' : ''), ' ', h('strong', {}, t(`signal.${s.name}`)), ' ',
          h('span', { class: 'muted' }, s.reason))))));
  }

  clear(main, pageHeader(t('nav.hit-test'), `${robot.name} · ${t('hit.subtitle')}`), form, result);
  question.focus();
}

function stat(label, value, note) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label),
    note ? h('div', { class: 'muted small' }, note) : null);
}

// Each signal's own score for a candidate (only the signals on for the robot): what its one confidence was
// fused from, so an admin sees why a paraphrase ranked where it did. Similarities are in [0, 1] and get a bar;
// the classifier's is a margin (any sign), shown as a number only.
function signalScores(scores) {
  return h('ul', { class: 'sigscores' }, Object.entries(scores).map(([name, value]) => {
    const label = t(`score.${name}`);
    const text = value.toFixed(3);
    return h('li', { class: 'sig', 'data-signal-score': name, title: `${label}: ${text}` },
      h('span', { class: 'sig-name' }, label),
      name === 'classifier' ? null : h('span', { class: 'sig-bar', 'aria-hidden': 'true' },
        h('span', { class: 'fill', style: { width: `${Math.max(0, Math.min(1, value)) * 100}%` } })),
      h('span', { class: 'mono sig-value' }, text));
  }));
}

function fmt(value) { return value === null || value === undefined ? '—' : Number(value).toFixed(3); }

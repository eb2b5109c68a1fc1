// A robot's settings: texts, thresholds (with the calibrated values the robot measured), switches, lists and
// welcome strategies. Saved with PUT /robots/{robotId} {settings: changed keys only}.
import { api } from '../api.js';
import { robots } from '../app.js';
import { t } from '../i18n.js';
import { badge, busy, checkbox, clear, field, h, pageHeader, percent, toast } from '../ui.js';

const TEXTS = ['welcomeText', 'defaultReply', 'transferToHumanLabel', 'transferPrompt', 'recommendTitle',
  'repeatReply', 'sensitiveReply', 'negativeSentimentReply'];
const SWITCHES = ['defaultReplyTransferButton', 'menuTransferButton', 'enableTransferPrompt', 'evaluateSwitch',
  'satisfactionInvitation', 'negativeSentimentEnabled', 'smallTalkEnabled'];
const NUMBERS = [['targetPrecision', 0.01, 1, 0.01], ['outOfScopeShare', 0, 0.95, 0.05], ['recommendMax', 1, 10, 1],
  ['repeatLimit', 2, 20, 1], ['sessionTimeoutMinutes', 1, 10080, 1]];
const LISTS = ['humanKeywords', 'sensitiveWords'];

export async function render(main, { params }) {
  const robot = await api('GET', `robots/${params.robotId}`);
  const s = robot.settings;
  const controls = {};
  const name = h('input', { value: robot.name, required: true, maxlength: 200 });
  const description = h('textarea', { rows: 2 }, robot.description || '');
  const status = checkbox(t('robot.enabled'), robot.status === 'Enable');
  for (const key of TEXTS) {
    controls[key] = key === 'transferToHumanLabel' || key === 'recommendTitle'
      ? h('input', { value: s[key] || '', name: key }) : h('textarea', { rows: 2, name: key }, s[key] || '');
  }
  for (const [key, min, max, step] of NUMBERS) controls[key] = h('input', { type: 'number', min, max, step, value: s[key], name: key });
  for (const key of LISTS) controls[key] = h('textarea', { rows: 3, name: key }, (s[key] || []).join('\n'));
  const thresholds = {};
  for (const key of ['answerThreshold', 'recommendThreshold']) {
    thresholds[key] = h('input', { type: 'number', min: 0, max: 1, step: 0.01, name: key, value: s[key] ?? '',
      placeholder: t('settings.auto') });
  }
  const switches = Object.fromEntries(SWITCHES.map((key) => [key, checkbox(t(`settings.${key}`), s[key], { name: key })]));
  const variants = h('textarea', { rows: 5, class: 'mono', name: 'welcomeVariants', spellcheck: 'false' },
    s.welcomeVariants && s.welcomeVariants.length ? JSON.stringify(s.welcomeVariants, null, 2) : '');
  const error = h('div');
  const save = h('button', { type: 'submit', class: 'primary', 'data-action': 'save' }, t('common.save'));

  const calibrated = h('div', { class: 'stats' },
    stat(t('settings.calibratedAnswer'), num(s.calibratedAnswerThreshold)),
    stat(t('settings.calibratedRecommend'), num(s.calibratedRecommendThreshold)),
    stat(t('settings.expectedPrecision'), percent(s.expectedPrecision)),
    stat(t('settings.expectedAnswerRate'), percent(s.expectedAnswerRate)));
  const signals = (s.signals || []).length ? h('ul', { class: 'signals' }, s.signals.map((sig) => h('li', {},
    badge(sig.on ? t('common.on') : t('common.off'), sig.on ? 'ok' : ''), ' ', h('strong', {}, t(`signal.${sig.name}`)), ' ',
    h('span', { class: 'muted' }, sig.reason)))) : h('p', { class: 'muted' }, t('settings.notCalibrated'));

  const form = h('form', { class: 'settings', onsubmit: async (event) => {
    event.preventDefault();
    await busy(save, async () => {
      const settings = {};
      for (const key of TEXTS) if (controls[key].value !== (s[key] || '')) settings[key] = controls[key].value;
      for (const [key] of NUMBERS) if (Number(controls[key].value) !== s[key]) settings[key] = Number(controls[key].value);
      for (const key of LISTS) {
        const value = controls[key].value.split('\n').map((v) => v.trim()).filter(Boolean);
        if (JSON.stringify(value) !== JSON.stringify(s[key] || [])) settings[key] = value;
      }
      for (const key of ['answerThreshold', 'recommendThreshold']) {
        const value = thresholds[key].value === '' ? null : Number(thresholds[key].value);
        if (value !== s[key]) settings[key] = value;
      }
      for (const key of SWITCHES) {
        const value = switches[key].querySelector('input').checked;
        if (value !== s[key]) settings[key] = value;
      }
      const variantsText = variants.value.trim();
      let parsed = [];
      if (variantsText) {
        try { parsed = JSON.parse(variantsText); } catch { throw new Error(t('settings.badJson')); }
      }
      if (JSON.stringify(parsed) !== JSON.stringify(s.welcomeVariants || [])) settings.welcomeVariants = parsed;
      const body = { name: name.value, description: description.value,
        status: status.querySelector('input').checked ? 'Enable' : 'Disable' };
      if (Object.keys(settings).length) body.settings = settings;
      const saved = await api('PUT', `robots/${params.robotId}`, { body });
      Object.assign(s, saved.settings);
      await robots(true);
      toast(t('common.saved'));
    }, error);
  } },
  section(t('settings.profile'), field(t('robots.name'), name), field(t('robots.description'), description), status),
  section(t('settings.replies'), ...TEXTS.map((key) => field(t(`settings.${key}`), controls[key]))),
  section(t('settings.matching'), h('p', { class: 'muted' }, t('settings.thresholdsHint')), calibrated,
    h('div', { class: 'grid2' },
      field(t('settings.answerThreshold'), thresholds.answerThreshold, t('settings.calibratedIs', { v: num(s.calibratedAnswerThreshold) })),
      field(t('settings.recommendThreshold'), thresholds.recommendThreshold, t('settings.calibratedIs', { v: num(s.calibratedRecommendThreshold) })),
      ...NUMBERS.map(([key]) => field(t(`settings.${key}`), controls[key]))),
    h('h3', {}, t('settings.signals')), signals),
  section(t('settings.switches'), h('div', { class: 'grid2' }, Object.values(switches))),
  section(t('settings.words'), h('div', { class: 'grid2' },
    ...LISTS.map((key) => field(t(`settings.${key}`), controls[key], t('settings.onePerLine'))))),
  section(t('settings.strategies'), field(t('settings.welcomeVariants'), variants, t('settings.welcomeVariantsHint'))),
  h('div', { class: 'sticky-actions' }, error, save));
  clear(main, pageHeader(`${t('nav.settings')} · ${robot.name}`, t('settings.subtitle')), form);
}

function section(title, ...children) {
  return h('fieldset', { class: 'card' }, h('legend', {}, title), ...children);
}

function stat(label, value) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-value' }, value), h('div', { class: 'stat-label' }, label));
}

function num(value) { return value === null || value === undefined ? '—' : Number(value).toFixed(3); }

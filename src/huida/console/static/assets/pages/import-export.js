// Import a file of rules (all or nothing, with every bad row listed) and export them in any format.
import { apiUrl, blob, currentSession } from '../api.js';
import { t } from '../i18n.js';
import { busy, checkbox, clear, confirmDialog, errorBox, field, h, pageHeader, table, toast } from '../ui.js';
import { knowledgeTabs } from './knowledge-tabs.js';

const FORMATS = ['jsonl', 'csv', 'xlsx'];

export function render(main, { params, robot }) {
  const kb = `knowledge/robots/${params.robotId}/rules`;
  const file = h('input', { type: 'file', accept: '.jsonl,.json,.ndjson,.csv,.tsv,.txt,.xlsx', required: true, 'data-field': 'import-file' });
  const format = h('select', {}, h('option', { value: '' }, t('import.formatAuto')), FORMATS.map((f) => h('option', { value: f }, f.toUpperCase())));
  const replace = checkbox(t('import.replace'), false, { 'data-field': 'replace' });
  const progress = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': t('import.progress') });
  const phase = h('span', { class: 'muted small', 'aria-live': 'polite' });
  const report = h('div', { 'data-import-report': '' });
  const submit = h('button', { type: 'submit', class: 'primary', 'data-action': 'import' }, t('import.submit'));

  const form = h('form', { class: 'card stack', onsubmit: async (event) => {
    event.preventDefault();
    if (!file.files.length) return;
    const isReplace = replace.querySelector('input').checked;
    if (isReplace && !(await confirmDialog(t('import.confirmReplace'), { confirm: t('import.replaceConfirm') }))) return;
    await busy(submit, async () => {
      report.replaceChildren();
      const result = await upload(apiUrl(`${kb}/import`, { format: format.value, mode: isReplace ? 'replace' : 'append' }),
        file.files[0], (percent, uploaded) => {
          progress.hidden = false;
          progress.value = percent;
          phase.textContent = uploaded ? t('import.processing') : t('import.uploading', { p: percent });
        });
      phase.textContent = '';
      progress.hidden = true;
      clear(report, result.status === 'FAIL' ? failure(result) : success(result.entity));
      if (result.status !== 'FAIL') toast(t('import.done', { n: result.entity.imported }));
    }, report);
    progress.hidden = true;
  } },
  h('h2', {}, t('import.title')), h('p', { class: 'muted' }, t('import.hint')),
  field(t('import.file'), file), h('div', { class: 'grid2' }, field(t('import.format'), format), h('div', { class: 'field' }, replace)),
  h('div', { class: 'inline' }, submit, progress, phase), report);

  const exports = h('section', { class: 'card stack' }, h('h2', {}, t('export.title')), h('p', { class: 'muted' }, t('export.hint')),
    h('div', { class: 'inline' }, FORMATS.map((f) => {
      const button = h('button', { type: 'button', class: 'secondary', 'data-export': f }, t('export.as', { f: f.toUpperCase() }));
      button.addEventListener('click', () => busy(button, async () => {
        const data = await blob(`${kb}/export`, { query: { format: f } });
        const a = h('a', { href: URL.createObjectURL(data), download: `rules-${params.robotId}.${f}` });
        document.body.append(a); a.click(); a.remove();
        setTimeout(() => URL.revokeObjectURL(a.href), 10000);
      }));
      return button;
    })));
  clear(main, pageHeader(t('nav.knowledge'), robot.name), knowledgeTabs(params.robotId, 'import'), h('div', { class: 'stack' }, form, exports));
}

// XMLHttpRequest rather than fetch: it reports the upload's progress. Resolves with the envelope, OK or FAIL.
function upload(url, file, onProgress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('token', currentSession().token);
    xhr.upload.onprogress = (e) => { if (e.lengthComputable) onProgress(Math.round((e.loaded / e.total) * 100), false); };
    xhr.upload.onload = () => onProgress(100, true);
    xhr.onerror = () => reject(Object.assign(new Error('network'), { code: 'NETWORK' }));
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* described below */ }
      if (body && (body.status === 'OK' || (body.status === 'FAIL' && body.entity && body.entity.errors))) resolve(body);
      else reject(Object.assign(new Error((body && body.errorDescription) || `HTTP ${xhr.status}`), { code: body && body.errorCode }));
    };
    const form = new FormData();
    form.append('file', file, file.name);
    xhr.send(form);
  });
}

function success(entity) {
  return h('div', { class: 'stack' },
    h('div', { class: 'alert ok', role: 'status' }, t('import.result', { imported: entity.imported, replaced: entity.replaced,
      deleted: entity.deleted, total: entity.total })),
    entity.warnings.length ? h('details', { open: true }, h('summary', {}, t('import.warnings', { n: entity.warningCount })),
      table([{ label: t('import.line'), render: (w) => String(w.line ?? '—') }, { label: t('knowledge.question'), render: (w) => w.question },
        { label: t('import.reason'), render: (w) => w.reason }], entity.warnings)) : null,
    entity.conflicts.length ? h('details', { open: true }, h('summary', {}, t('import.conflicts', { n: entity.conflictCount })),
      table([{ label: t('knowledge.question'), render: (c) => c.question }, { label: t('import.rules'), render: (c) => c.ruleIds.join(', ') },
        { label: t('import.lines'), render: (c) => c.lines.join(', ') }], entity.conflicts)) : null);
}

function failure(body) {
  const errors = body.entity.errors;
  return h('div', { class: 'stack' }, errorBox({ message: body.errorDescription, code: body.errorCode }),
    h('p', {}, t('import.nothing', { n: body.entity.errorCount })),
    table([{ label: t('import.line'), class: 'num', render: (e) => String(e.line ?? '—') }, { label: 'ID', render: (e) => e.id || '—' },
      { label: t('import.reason'), render: (e) => e.reason }], errors, { caption: t('import.errors') }));
}


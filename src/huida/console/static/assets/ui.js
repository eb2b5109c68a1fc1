// Small DOM helpers shared by the pages: elements, tables, dialogs, toasts, empty and loading states.
import { errorText, t } from './i18n.js';

// h('button', {class: 'primary', onclick}, 'Save') -> <button>. Attributes starting with "on" are
// listeners; `dataset`, `style` objects and boolean attributes work; children may be strings, nodes, arrays.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key === 'value' && 'value' in el) el.value = value;
    else if (key === 'checked') el.checked = Boolean(value);
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el, ...children) { el.replaceChildren(); append(el, children); return el; }

export function loading(text) {
  return h('div', { class: 'loading', role: 'status' }, h('span', { class: 'spinner', 'aria-hidden': 'true' }),
    text || t('common.loading'));
}

export function empty(title, hint, action) {
  return h('div', { class: 'empty' }, h('div', { class: 'empty-icon', 'aria-hidden': 'true' }, '∅'),
    h('p', { class: 'empty-title' }, title), hint ? h('p', { class: 'muted' }, hint) : null, action || null);
}

export function errorBox(error) {
  return h('div', { class: 'alert error', role: 'alert' }, errorText(error));
}

let toastTimer = null;
export function toast(message, kind = 'ok') {
  let box = document.getElementById('toast');
  if (!box) { box = h('div', { id: 'toast', role: 'status', 'aria-live': 'polite' }); document.body.append(box); }
  clear(box, h('div', { class: `toast ${kind}` }, message));
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => box.replaceChildren(), 4000);
}

// A modal <dialog>; resolves true when confirmed. Escape and Cancel resolve false.
export function confirmDialog(message, { confirm = t('common.delete'), danger = true } = {}) {
  return new Promise((resolve) => {
    const dialog = h('dialog', { class: 'dialog', 'aria-label': t('common.confirm') },
      h('p', {}, message),
      h('div', { class: 'actions' },
        h('button', { type: 'button', class: 'ghost', onclick: () => dialog.close('no') }, t('common.cancel')),
        h('button', { type: 'button', class: danger ? 'danger' : 'primary', 'data-confirm': '',
          onclick: () => dialog.close('yes') }, confirm)));
    dialog.addEventListener('close', () => { dialog.remove(); resolve(dialog.returnValue === 'yes'); });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector('[data-confirm]').focus();
  });
}

// A dialog holding a form: `build(form)` fills it; resolves with the submit handler's result or null.
export function formDialog(title, build, onSubmit, { submit = t('common.save') } = {}) {
  return new Promise((resolve) => {
    const error = h('div');
    const form = h('form', { method: 'dialog', class: 'stack' });
    const dialog = h('dialog', { class: 'dialog wide', 'aria-label': title }, h('h2', {}, title), form);
    build(form);
    form.append(error, h('div', { class: 'actions' },
      h('button', { type: 'button', class: 'ghost', onclick: () => dialog.close() }, t('common.cancel')),
      h('button', { type: 'submit', class: 'primary' }, submit)));
    let result = null;
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type=submit]');
      button.disabled = true;
      try { result = await onSubmit(form); dialog.close(); } catch (e) { clear(error, errorBox(e)); } finally {
        button.disabled = false;
      }
    });
    dialog.addEventListener('close', () => { dialog.remove(); resolve(result); });
    document.body.append(dialog);
    dialog.showModal();
  });
}

// A labelled field; `control` is an input/select/textarea element (gets an id for the label).
let fieldCounter = 0;
export function field(label, control, hint) {
  const id = control.id || `f${++fieldCounter}`;
  control.id = id;
  const wrap = h('div', { class: 'field' }, h('label', { for: id }, label), control);
  if (hint) {
    const hintEl = h('p', { class: 'hint', id: `${id}-hint` }, hint);
    control.setAttribute('aria-describedby', hintEl.id);
    wrap.append(hintEl);
  }
  return wrap;
}

export function checkbox(label, checked, attrs = {}) {
  const input = h('input', { type: 'checkbox', checked, ...attrs });
  return h('label', { class: 'check' }, input, h('span', {}, label));
}

// columns: [{label, render(row) -> node|string, class}]
export function table(columns, rows, { caption, rowAttrs } = {}) {
  return h('div', { class: 'table-wrap' }, h('table', {},
    caption ? h('caption', { class: 'sr-only' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)))),
    h('tbody', {}, rows.map((row) => h('tr', rowAttrs ? rowAttrs(row) : {},
      columns.map((c) => h('td', { class: c.class }, c.render(row))))))));
}

export function badge(text, kind = '') { return h('span', { class: `badge ${kind}` }, text); }

export function pageHeader(title, subtitle, ...actions) {
  return h('header', { class: 'page-header' },
    h('div', {}, h('h1', {}, title), subtitle ? h('p', { class: 'muted' }, subtitle) : null),
    h('div', { class: 'actions' }, actions));
}

export function tabs(items, active) {
  return h('nav', { class: 'tabs', 'aria-label': t('common.sections') },
    items.map(([key, label, href]) => h('a', { href, class: key === active ? 'active' : null,
      'aria-current': key === active ? 'page' : null, 'data-link': '' }, label)));
}

export async function copyText(text) {
  try { await navigator.clipboard.writeText(text); } catch {
    const area = h('textarea', { style: { position: 'fixed', opacity: '0' } }, text);
    document.body.append(area); area.select(); document.execCommand('copy'); area.remove();
  }
  toast(t('common.copied'));
}

export function copyButton(text, label) {
  return h('button', { type: 'button', class: 'ghost small', onclick: () => copyText(text) }, label || t('common.copy'));
}

// Compact and unambiguous in both languages: 2026-12-08 09:08 (the browser's time zone).
export function formatTime(value) {
  if (value === null || value === undefined || value === '') return '—';
  const date = typeof value === 'number' ? new Date(value) : new Date(String(value).replace(' ', 'T'));
  if (Number.isNaN(date.getTime())) return String(value);
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function percent(value, digits = 1) {
  return value === null || value === undefined ? '—' : `${(value * 100).toFixed(digits)}%`;
}

// Runs `work` while the button shows it is busy; shows the error in `errorSlot` (or a toast).
export async function busy(button, work, errorSlot) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  if (errorSlot) errorSlot.replaceChildren();
  try { return await work(); } catch (error) {
    if (errorSlot) clear(errorSlot, errorBox(error)); else toast(errorText(error), 'error');
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}

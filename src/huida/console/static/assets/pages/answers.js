// One answer of a rule, edited by type: text, image (uploaded through the materials API), article, menu,
// transfer to a person; video and audio by link. `answerEditor(answer, context)` -> {el, value()}.
import { api, imageUrl } from '../api.js';
import { t } from '../i18n.js';
import { busy, checkbox, clear, field, formDialog, h } from '../ui.js';

export const EDITABLE_TYPES = ['TEXT', 'PIC', 'NEWS', 'MENU', 'HUMAN', 'VIDEO', 'AUDIO'];

export function answerEditor(answer, context) {
  const type = h('select', { 'data-field': 'answer-type', 'aria-label': t('knowledge.answerType') },
    EDITABLE_TYPES.map((ty) => h('option', { value: ty, selected: ty === answer.type }, t(`type.${ty}`))));
  const body = h('div', { class: 'answer-body' });
  const strategies = h('textarea', { rows: 3, class: 'mono', spellcheck: 'false', 'data-field': 'strategies' },
    answer.strategies && answer.strategies.length ? JSON.stringify(answer.strategies, null, 2) : '');
  let editor = null;
  const draw = () => {
    const same = type.value === answer.type;
    editor = EDITORS[type.value](same ? answer : { type: type.value }, context);
    clear(body, editor.el);
  };
  type.addEventListener('change', draw);
  draw();
  const el = h('div', { class: 'answer', 'data-answer': '' },
    h('div', { class: 'answer-head' }, type, h('span', { class: 'spacer' }),
      h('button', { type: 'button', class: 'ghost small danger-text', 'data-action': 'remove-answer',
        onclick: () => context.remove(el) }, t('knowledge.removeAnswer'))),
    body,
    h('details', { class: 'advanced' }, h('summary', {}, t('knowledge.strategies')),
      field(t('knowledge.strategiesJson'), strategies, t('knowledge.strategiesHint'))));
  return { el, value: () => {
    const value = { type: type.value, ...editor.value() };
    const text = strategies.value.trim();
    if (text) {
      try { value.strategies = JSON.parse(text); } catch { throw new Error(t('settings.badJson')); }
    }
    return value;
  } };
}

const EDITORS = {
  TEXT(answer) {
    const text = h('textarea', { rows: 4, 'data-field': 'answer-text', maxlength: 20000 }, answer.answer || '');
    return { el: field(t('knowledge.answerText'), text), value: () => ({ answer: text.value }) };
  },
  PIC(answer) {
    let mediaId = answer.content && answer.content.mediaId;
    const preview = h('div', { class: 'media-preview' });
    const status = h('div', { 'aria-live': 'polite' });
    const show = () => {
      if (!mediaId) { clear(preview, h('span', { class: 'muted' }, t('knowledge.noImage'))); return; }
      const img = h('img', { alt: t('knowledge.image'), 'data-field': 'image-preview' });
      clear(preview, img);
      imageUrl(`material/medias/${mediaId}/stream/thumbnail`).then((url) => { img.src = url; }).catch(() => { img.alt = '⚠'; });
    };
    const file = h('input', { type: 'file', accept: 'image/png,image/jpeg,image/gif,image/webp', 'data-field': 'image-file' });
    file.addEventListener('change', async () => {
      if (!file.files.length) return;
      clear(status, h('span', { class: 'muted' }, t('knowledge.uploading')));
      await busy(file, async () => {
        const media = await api('POST', 'material/medias', { file: file.files[0] });
        mediaId = media.id;
        clear(status, h('span', { class: 'ok-text', 'data-uploaded': media.id }, t('knowledge.uploaded', { name: media.filename })));
        show();
      }, status);
    });
    show();
    return { el: h('div', { class: 'pic' }, preview, h('div', { class: 'stack' }, field(t('knowledge.uploadImage'), file, t('knowledge.imageHint')), status)),
      value: () => {
        if (!mediaId) throw new Error(t('knowledge.needImage'));
        return { content: { mediaId } };
      } };
  },
  NEWS(answer, context) {
    const chosen = new Set((answer.content && answer.content.articleIds) || []);
    const list = h('div', { class: 'checks' });
    const draw = async () => {
      const articles = await context.articles();
      clear(list, articles.length ? articles.map((a) => checkbox(a.title, chosen.has(a.id), {
        value: a.id, onchange: (e) => { if (e.target.checked) chosen.add(a.id); else chosen.delete(a.id); } }))
        : h('p', { class: 'muted' }, t('knowledge.noArticles')));
    };
    draw();
    const create = h('button', { type: 'button', class: 'ghost small', 'data-action': 'new-article', onclick: async () => {
      const title = h('input', { required: true, maxlength: 500 });
      const digest = h('textarea', { rows: 2 });
      const html = h('textarea', { rows: 6 });
      const url = h('input', { type: 'url', placeholder: 'https://' });
      const article = await formDialog(t('knowledge.newArticle'), (form) => form.append(field(t('knowledge.articleTitle'), title),
        field(t('knowledge.articleDigest'), digest), field(t('knowledge.articleHtml'), html, t('knowledge.articleHtmlHint')),
        field(t('knowledge.articleUrl'), url)),
      () => api('POST', 'material/news/articles', { body: { title: title.value, digest: digest.value || null,
        html: html.value || null, url: url.value || null } }), { submit: t('common.create') });
      if (article) { chosen.add(article.id); context.articles(true); draw(); }
    } }, t('knowledge.newArticle'));
    return { el: h('div', { class: 'stack' }, h('div', { class: 'label' }, t('knowledge.articles')), list, h('div', {}, create)),
      value: () => {
        if (!chosen.size) throw new Error(t('knowledge.needArticle'));
        return { content: { ...(answer.content || {}), articleIds: [...chosen].slice(0, 8) } };
      } };
  },
  MENU(answer, context) {
    const content = answer.content || { title: '', items: [], transferToHuman: false };
    const title = h('input', { value: content.title || answer.answer || '', 'data-field': 'menu-title' });
    const items = h('div', { class: 'stack menu-items' });
    const transfer = checkbox(t('knowledge.menuTransfer'), content.transferToHuman);
    const addItem = (item = { knowledgeId: '', text: '' }) => {
      const select = h('select', { 'aria-label': t('knowledge.menuTarget'), 'data-field': 'menu-target' }, h('option', { value: '' }, t('knowledge.chooseRule')));
      context.rules().then((rules) => {
        select.append(...rules.map((r) => h('option', { value: r.id, selected: r.id === item.knowledgeId }, r.questionsArray[0])));
        if (item.knowledgeId && !rules.some((r) => r.id === item.knowledgeId)) select.append(h('option', { value: item.knowledgeId, selected: true }, item.knowledgeId));
      });
      const text = h('input', { value: item.text || '', placeholder: t('knowledge.menuText'), 'aria-label': t('knowledge.menuText') });
      const row = h('div', { class: 'inline', 'data-menu-item': '' }, select, text,
        h('button', { type: 'button', class: 'ghost small icon', 'aria-label': t('common.remove'), onclick: () => row.remove() }, '×'));
      items.append(row);
    };
    (content.items || []).forEach(addItem);
    return { el: h('div', { class: 'stack' }, field(t('knowledge.menuTitle'), title), h('div', { class: 'label' }, t('knowledge.menuItems')), items,
      h('div', {}, h('button', { type: 'button', class: 'ghost small', 'data-action': 'add-menu-item', onclick: () => addItem() }, t('knowledge.addMenuItem'))), transfer),
    value: () => {
      const list = [...items.querySelectorAll('[data-menu-item]')].map((row) => ({
        knowledgeId: row.querySelector('select').value, text: row.querySelector('input').value.trim() || null,
      })).filter((i) => i.knowledgeId);
      if (!list.length) throw new Error(t('knowledge.needMenuItem'));
      return { answer: title.value, content: { title: title.value, items: list.map((i) => (i.text ? i : { knowledgeId: i.knowledgeId })),
        transferToHuman: transfer.querySelector('input').checked } };
    } };
  },
  HUMAN(answer) {
    const content = answer.content || { enableTransferPrompt: true, properties: {} };
    const prompt = h('textarea', { rows: 2, 'data-field': 'transfer-prompt' }, content.transferPrompt || '');
    const enabled = checkbox(t('settings.enableTransferPrompt'), content.enableTransferPrompt !== false);
    const props = h('textarea', { rows: 2, class: 'mono' }, Object.entries(content.properties || {}).map(([k, v]) => `${k}=${v}`).join('\n'));
    return { el: h('div', { class: 'stack' }, field(t('settings.transferPrompt'), prompt, t('knowledge.transferHint')), enabled,
      field(t('knowledge.transferProperties'), props, t('knowledge.transferPropertiesHint'))),
    value: () => ({ content: { transferPrompt: prompt.value || null, enableTransferPrompt: enabled.querySelector('input').checked,
      properties: Object.fromEntries(props.value.split('\n').map((l) => l.trim()).filter(Boolean).map((l) => {
        const at = l.indexOf('=');
        return at > 0 ? [l.slice(0, at).trim(), l.slice(at + 1).trim()] : [l, ''];
      })) } }) };
  },
  VIDEO(answer) { return linkEditor(answer); },
  AUDIO(answer) { return linkEditor(answer); },
};

function linkEditor(answer) {
  const content = answer.content || {};
  const url = h('input', { type: 'url', value: content.url || '', placeholder: 'https://' });
  return { el: field(t('knowledge.mediaUrl'), url), value: () => ({ content: content.mediaId && !url.value ? { mediaId: content.mediaId } : { url: url.value } }) };
}

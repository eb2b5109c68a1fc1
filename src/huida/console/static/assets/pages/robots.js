// Robots: the tenant's robots, create one, delete one (with confirmation).
import { api } from '../api.js';
import { robots } from '../app.js';
import { t } from '../i18n.js';
import { badge, confirmDialog, empty, field, formDialog, formatTime, h, pageHeader, table, toast } from '../ui.js';

export async function render(main, { navigate }) {
  const list = await robots(true);
  const create = h('button', { type: 'button', class: 'primary', 'data-action': 'new-robot', onclick: () => newRobot(navigate) }, t('robots.new'));
  const rows = list.length ? table([
    { label: t('robots.name'), render: (r) => h('a', { href: `/console/robots/${r.robotId}/knowledge`, class: 'strong' }, r.name) },
    { label: t('robots.status'), render: (r) => badge(r.status === 'Enable' ? t('common.enabled') : t('common.disabled'), r.status === 'Enable' ? 'ok' : '') },
    { label: t('robots.description'), render: (r) => h('span', { class: 'muted clamp' }, r.description || '—') },
    { label: t('robots.created'), render: (r) => formatTime(r.createDateTime), class: 'nowrap' },
    { label: h('span', { class: 'sr-only' }, t('common.actions')), class: 'right nowrap', render: (r) => h('div', { class: 'row-actions' },
      h('a', { href: `/console/robots/${r.robotId}/settings`, class: 'button ghost small' }, t('nav.settings')),
      h('button', { type: 'button', class: 'ghost small danger-text', onclick: () => remove(r, navigate) }, t('common.delete'))) },
  ], list, { caption: t('nav.robots') }) : empty(t('robots.empty'), t('robots.emptyHint'), create.cloneNode(true));
  main.replaceChildren(pageHeader(t('nav.robots'), t('robots.subtitle'), create), h('section', { class: 'card flush' }, rows));
  const emptyButton = main.querySelector('.empty [data-action=new-robot]');
  if (emptyButton) emptyButton.addEventListener('click', () => newRobot(navigate));
}

async function newRobot(navigate) {
  const name = h('input', { name: 'name', required: true, maxlength: 200 });
  const description = h('textarea', { name: 'description', rows: 3, maxlength: 2000 });
  const created = await formDialog(t('robots.new'), (form) => {
    form.append(field(t('robots.name'), name), field(t('robots.description'), description));
  }, () => api('POST', 'robots', { body: { name: name.value, description: description.value || null } }), { submit: t('common.create') });
  if (created) {
    await robots(true);
    toast(t('robots.created.toast', { name: created.name }));
    navigate(`/console/robots/${created.robotId}/settings`);
  }
}

async function remove(robot, navigate) {
  if (!(await confirmDialog(t('robots.confirmDelete', { name: robot.name })))) return;
  try {
    await api('DELETE', `robots/${robot.robotId}`);
    await robots(true);
    toast(t('common.deleted'));
    navigate('/console/robots', { replace: true });
  } catch (error) {
    toast(error.message, 'error');
  }
}

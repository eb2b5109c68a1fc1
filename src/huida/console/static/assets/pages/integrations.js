// Integrations of a robot: webhooks, the Feishu channel, Aily-style API keys and widget keys, one tab each.
import { t } from '../i18n.js';
import { clear, h, pageHeader, tabs } from '../ui.js';

const SECTIONS = {
  webhooks: () => import('./webhooks.js'),
  feishu: () => import('./feishu.js'),
  aily: () => import('./aily-keys.js'),
  widget: () => import('./widget-keys.js'),
};

export async function render(main, ctx) {
  const base = `/console/robots/${ctx.params.robotId}/integrations`;
  const active = new URLSearchParams(location.search).get('tab') || 'webhooks';
  const key = SECTIONS[active] ? active : 'webhooks';
  const body = h('div', { class: 'stack' });
  clear(main, pageHeader(t('nav.integrations'), ctx.robot.name),
    tabs(Object.keys(SECTIONS).map((k) => [k, t(`int.${k}`), `${base}?tab=${k}`]), key), body);
  const section = await SECTIONS[key]();
  await section.render(body, ctx);
}

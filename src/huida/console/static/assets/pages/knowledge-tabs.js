// The knowledge section's tabs, shared by its pages.
import { t } from '../i18n.js';
import { tabs } from '../ui.js';

export function knowledgeTabs(robotId, active) {
  const base = `/console/robots/${robotId}/knowledge`;
  return tabs([['rules', t('knowledge.rules'), base], ['import', t('knowledge.importExport'), `${base}/import`],
    ['health', t('knowledge.health'), `${base}/health`]], active);
}

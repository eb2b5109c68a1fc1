// Chinese and English. The language follows the browser until the user picks one (kept in localStorage).
import { STRINGS } from './strings.js';

const LANG_KEY = 'huida.console.lang';

export function language() {
  const chosen = localStorage.getItem(LANG_KEY);
  if (chosen === 'zh' || chosen === 'en') return chosen;
  const browser = (navigator.languages && navigator.languages[0]) || navigator.language || 'zh';
  return browser.toLowerCase().startsWith('zh') ? 'zh' : 'en';
}

export function setLanguage(lang) {
  localStorage.setItem(LANG_KEY, lang);
  document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
}

// t('rules.count', {n: 3}) -> "3 条规则"; an unknown key shows itself (easy to spot, never blank).
export function t(key, vars) {
  const entry = STRINGS[key];
  let text = entry ? entry[language() === 'zh' ? 0 : 1] : key;
  if (vars) for (const [k, v] of Object.entries(vars)) text = text.replaceAll(`{${k}}`, String(v));
  return text;
}

// The API's own messages are English; a few common situations get a translation, the rest show as they are.
export function errorText(error) {
  if (!error) return '';
  if (error.code === 'NETWORK') return t(error.message === 'offline' ? 'error.offline' : 'error.network');
  const known = STRINGS[`api.${error.code}`];
  const description = error.message || '';
  if (known && language() === 'zh') return `${known[0]}（${description}）`;
  return description;
}

// The page's words in the participant's language: a catalogue per language in ./i18n/<lang>.json, chosen by
// navigator.languages with English as the fallback (a missing key falls back to English, then to the key).
// To add a language: copy i18n/en.json to i18n/<code>.json, translate the values, add <code> to LANGUAGES.

export const LANGUAGES = ["en", "ja"];
export const FALLBACK = "en";
const BASE = new URL("./i18n/", import.meta.url);

let fallback = {};
let catalogue = {};
let current = FALLBACK;

/** The first of `preferred` (BCP 47 tags, e.g. "ja-JP") that we have a catalogue for, else English. */
export function chooseLanguage(preferred = navigator.languages || [navigator.language], available = LANGUAGES) {
  for (const tag of preferred || []) {
    if (!tag) continue;
    const lower = String(tag).toLowerCase();
    const exact = available.find((a) => a.toLowerCase() === lower);
    if (exact) return exact;
    const base = available.find((a) => a.toLowerCase() === lower.split("-")[0]);
    if (base) return base;
  }
  return FALLBACK;
}

async function fetchCatalogue(lang) {
  const res = await fetch(new URL(`${lang}.json`, BASE), { cache: "no-cache" });
  if (!res.ok) throw new Error(`${lang}.json: ${res.status}`);
  return res.json();
}

/** Load the catalogue for `lang` (and English under it); resolves to the language in use. */
export async function useLanguage(lang) {
  fallback = await fetchCatalogue(FALLBACK);
  catalogue = fallback;
  current = FALLBACK;
  if (lang !== FALLBACK) {
    try {
      catalogue = { ...fallback, ...(await fetchCatalogue(lang)) };
      current = lang;
    } catch (_) {
      /* a missing or broken catalogue: the page stays in English */
    }
  }
  document.documentElement.lang = current;
  return current;
}

/** The language in use. */
export function language() {
  return current;
}

/** The text for `key` with `{name}` placeholders filled from `params`. */
export function t(key, params = {}) {
  const text = key in catalogue ? catalogue[key] : key in fallback ? fallback[key] : key;
  return String(text).replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** Fill every element carrying data-i18n="key" (text) or data-i18n-label="key" (aria-label) under `root`. */
export function translatePage(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}

/** Choose by the browser's languages, load, translate the page; resolves to the language in use. */
export async function setupI18n(root = document) {
  const lang = await useLanguage(chooseLanguage());
  translatePage(root);
  return lang;
}

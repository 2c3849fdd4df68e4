// Every language has every text of the English catalogue, no more, and nothing left in English.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { test } from "node:test";

const load = (lang) =>
  JSON.parse(readFileSync(new URL(`../src/locales/${lang}.json`, import.meta.url), "utf8"));
const en = load("en");

// Words that stay Latin in every language: commands to type, the product's name, model names.
const KEEP = /vafa|refresh|predict|store|validate|evaluate|recommend|segments|create|clv|orders|last_order_days|and|VIP|NPS|SMS/g;

for (const lang of ["fa", "hy"]) {
  const catalogue = load(lang);
  test(`${lang} has exactly the keys of en`, () => {
    assert.deepEqual(Object.keys(catalogue).sort(), Object.keys(en).sort());
  });
  test(`${lang} leaves no English text`, () => {
    for (const [key, text] of Object.entries(catalogue)) {
      const rest = text.replace(/\{\w+\}/g, "").replace(KEEP, "");
      assert.doesNotMatch(rest, /[A-Za-z]{3,}/, `${lang} ${key}: "${text}"`);
      assert.notEqual(text.trim(), "", `${lang} ${key} is empty`);
    }
  });
  test(`${lang} keeps every placeholder`, () => {
    for (const [key, text] of Object.entries(en)) {
      const names = (s) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
      assert.deepEqual(names(catalogue[key]), names(text), `${lang} ${key}`);
    }
  });
}

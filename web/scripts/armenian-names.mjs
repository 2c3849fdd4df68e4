// Writes src/locales/hy-names.json: the Armenian names of regions (ISO 3166 alpha-2) and of the
// languages vafa's customers have, from CLDR as Node's ICU holds it. Chromium's ICU has no
// Armenian, so the dashboard carries these (fallback.ts); Persian and English come from the
// browser's Intl.DisplayNames. Run again when ICU's data should be refreshed:
//   node scripts/armenian-names.mjs
import { writeFileSync } from "node:fs";

const regions = new Intl.DisplayNames("hy", { type: "region", fallback: "none" });
const languages = new Intl.DisplayNames("hy", { type: "language", fallback: "none" });
const out = { regions: {}, languages: {} };
for (let a = 65; a <= 90; ++a) {
  for (let b = 65; b <= 90; ++b) {
    const code = String.fromCharCode(a, b);
    const name = regions.of(code);
    // Only real regions: ICU answers unknown and private-use codes with the code itself.
    if (name && name !== code && !/^[A-Z]{2}$/.test(name)) out.regions[code] = name;
  }
}
for (const tag of ["en", "fa", "hy", "ru", "ar", "tr", "de", "fr", "ka", "az", "ku", "es", "it", "zh", "ja", "ko"]) {
  const name = languages.of(tag);
  if (name && name !== tag) out.languages[tag] = name;
}
writeFileSync(new URL("../src/locales/hy-names.json", import.meta.url), JSON.stringify(out, null, 1) + "\n");
console.log(`${Object.keys(out.regions).length} regions, ${Object.keys(out.languages).length} languages`);

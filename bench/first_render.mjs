// First render of the dashboard in headless Chromium: from navigation to the overview page drawn
// (its heading, cards and every chart), after signing in once; N runs, the median and the worst.
// The baseline of the same run: loading /healthz in the same browser.
//   BASE=http://127.0.0.1:PORT USER=... PASSWORD=... LANG_=fa node bench/first_render.mjs
import { createRequire } from "node:module";

const require = createRequire(new URL("../web/package.json", import.meta.url));
const { chromium } = require("playwright-core");
const base = process.env.BASE;
const runs = Number(process.env.RUNS ?? 7);
const lang = process.env.LANG_ ?? "en";

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox", "--disable-dev-shm-usage"] });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await page.goto(`${base}/`);
await page.fill("#name", process.env.USER_NAME);
await page.fill("#password", process.env.PASSWORD);
await page.click("button[type=submit]");
await page.waitForSelector("nav.pages");

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const render = [];
const baseline = [];
for (let i = 0; i < runs; i++) {
  const started = Date.now();
  await page.goto(`${base}/?lang=${lang}#/overview`);
  await page.waitForFunction(() => {
    const main = document.querySelector("main");
    return main?.querySelector("h1") && !main.querySelector("[role=status]") &&
      main.querySelectorAll("canvas").length >= 10;
  });
  render.push(Date.now() - started);
  const t = Date.now();
  await page.goto(`${base}/healthz`);
  baseline.push(Date.now() - t);
}
console.log(`first render of the overview (${lang}, ${runs} runs): median ${median(render)} ms, ` +
  `worst ${Math.max(...render)} ms; /healthz page load: median ${median(baseline)} ms`);
await browser.close();

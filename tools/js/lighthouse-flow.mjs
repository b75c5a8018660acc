// `make audit`'s browser half (tools/audit.py writes the plan and reads the answer).
//
// One Chromium (Debian's, through puppeteer-core), one Lighthouse user flow, Lighthouse's default
// mobile settings (form factor, screen, simulated throttling). Each audited page is a cold
// navigation: the HTTP cache is emptied first. Public pages also start with empty storage; the
// wizard's later steps and the dashboard keep the tab's storage and cookies, since the step (in the
// tab's Reflex state) and the session (HttpOnly cookie) are what they show.
//
// Usage: node lighthouse-flow.mjs PLAN.json RESULT.json
// PLAN: {chromePath, chromeFlags, steps: [{name, url, reset, before: [action…], expectText}]}
// action: {goto: url} | {type: [selector, text]} | {click: selector} | {waitText: text}
//       | {waitUrl: substring}
// RESULT: [{name, url, shown, categories: {id: score}, fcp, lcp, bytes: {script, stylesheet},
//           problems: {category: [title…]}}]
import fs from 'node:fs';

import {startFlow} from 'lighthouse';
import puppeteer from 'puppeteer-core';

const [planPath, resultPath] = process.argv.slice(2);
const plan = JSON.parse(fs.readFileSync(planPath, 'utf8'));

async function waitForText(page, text) {
  await page.waitForFunction(t => document.body && document.body.innerText.includes(t), {timeout: 60000}, text);
}

async function run(page, action) {
  if (action.goto) {
    await page.goto(action.goto, {waitUntil: 'networkidle0'});
  } else if (action.type) {
    const [selector, text] = action.type;
    await page.waitForSelector(selector, {visible: true});
    await page.$eval(selector, el => { el.value = ''; });
    await page.type(selector, text);
  } else if (action.click) {
    await page.waitForSelector(action.click, {visible: true});
    await page.click(action.click);
  } else if (action.waitText) {
    await waitForText(page, action.waitText);
  } else if (action.waitUrl) {
    await page.waitForFunction(s => location.pathname.includes(s), {timeout: 60000}, action.waitUrl);
  }
}

// What keeps a category below 1: its failing audits, heaviest first.
function problems(lhr) {
  const found = {};
  for (const [id, category] of Object.entries(lhr.categories)) {
    const failing = category.auditRefs
      .filter(ref => ref.weight > 0 || id === 'performance')
      .map(ref => ({ref, audit: lhr.audits[ref.id]}))
      .filter(({audit}) => audit && audit.score !== null && audit.score < 0.9
        && audit.scoreDisplayMode !== 'informative' && audit.scoreDisplayMode !== 'notApplicable')
      .sort((a, b) => b.ref.weight - a.ref.weight)
      .slice(0, 6)
      .map(({audit}) => audit.displayValue ? `${audit.title} (${audit.displayValue})` : audit.title);
    if (failing.length) found[id] = failing;
  }
  // Opportunities and insights that cost time (render-blocking requests…), whatever their weight.
  const saving = audit => Math.max(
    (audit.details && audit.details.overallSavingsMs) || 0,
    (audit.metricSavings && audit.metricSavings.FCP) || 0,
    (audit.metricSavings && audit.metricSavings.LCP) || 0,
  );
  const savings = Object.values(lhr.audits)
    .filter(audit => audit.score !== null && audit.score < 1 && saving(audit) > 100)
    .sort((a, b) => saving(b) - saving(a))
    .slice(0, 5)
    .map(audit => `${audit.title} (${Math.round(saving(audit))} ms)`);
  if (savings.length) found.opportunities = savings;
  const lcp = lhr.audits['largest-contentful-paint-element'];
  const item = lcp && lcp.details && lcp.details.items && lcp.details.items[0];
  const node = item && item.items && item.items[0] && item.items[0].node;
  if (node) found.lcpElement = [node.snippet || node.nodeLabel];
  return found;
}

function bytes(lhr) {
  const totals = {script: 0, stylesheet: 0};
  const items = (lhr.audits['network-requests'].details || {}).items || [];
  for (const item of items) {
    if (item.resourceType === 'Script') totals.script += item.transferSize || 0;
    if (item.resourceType === 'Stylesheet') totals.stylesheet += item.transferSize || 0;
  }
  return totals;
}

const browser = await puppeteer.launch({
  executablePath: plan.chromePath,
  args: plan.chromeFlags.filter(flag => flag !== '--headless'),
  headless: true,
  defaultViewport: null,
});
const results = [];
try {
  const page = await browser.newPage();
  const cdp = await page.createCDPSession();
  const flow = await startFlow(page, {name: 'make audit'});
  for (const step of plan.steps) {
    for (const action of step.before || []) await run(page, action);
    await cdp.send('Network.clearBrowserCache');
    await flow.navigate(step.url, {name: step.name, disableStorageReset: !step.reset});
    const shown = step.expectText
      ? await page.evaluate(t => document.body.innerText.includes(t), step.expectText)
      : true;
    results.push({name: step.name, url: step.url, shown});
    process.stderr.write(`  ${step.name} : mesuré\n`);
  }
  const flowResult = await flow.createFlowResult();
  flowResult.steps.forEach((done, index) => {
    const lhr = done.lhr;
    const categories = {};
    for (const [id, category] of Object.entries(lhr.categories)) categories[id] = category.score;
    Object.assign(results[index], {
      categories,
      fcp: lhr.audits['first-contentful-paint'].numericValue,
      lcp: lhr.audits['largest-contentful-paint'].numericValue,
      bytes: bytes(lhr),
      problems: problems(lhr),
      runtimeError: lhr.runtimeError ? lhr.runtimeError.message : null,
      warnings: lhr.runWarnings,
    });
  });
} finally {
  await browser.close();
}
fs.writeFileSync(resultPath, JSON.stringify(results, null, 2));

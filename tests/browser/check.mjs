// Headless-browser checks of the built site; `nox -s browser` serves the site and runs this.
//
//   node check.mjs BASE_URL HTML_DIR OUT_DIR      (Chromium: $CHROMIUM, else /usr/bin/chromium)
//
// linkinator checks every page's internal links, #anchors and images (links to other hosts are
// skipped, never fetched), and a search query in each language must find its page (기울기 소실 on the
// Korean site, whose index strips particles). Then every top-level page of HTML_DIR and of its Korean
// site, HTML_DIR/ko, opens in light and in dark mode: requests to other hosts are blocked and counted, the
// theme's colour mode is checked, axe-core runs, every copy button's copied text is checked (no
// prompt, no output), figures are counted with their alt text and captions, one search field must
// be in view, the page body must not overflow the window horizontally, and a full-page screenshot is
// saved; the language switcher must link the page's twin in the other language (or that language's
// landing page, where it has none); each page is opened once more in a 390-px-wide (phone) window, light mode, for the same
// checks (screenshots/<page>-phone.png). OUT_DIR gets report.md (printed; it ends with every reason
// for a failure), report.json and screenshots/. Exit status 1 if anything failed.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { LinkChecker } from 'linkinator';
import puppeteer from 'puppeteer-core';

const [base, htmlDir, outDir] = process.argv.slice(2);
if (!outDir) throw new Error('usage: node check.mjs BASE_URL HTML_DIR OUT_DIR');
const origin = new URL(base).origin;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
const TIMEOUT = 60_000; // per page and mode
const MODES = ['light', 'dark'];
setTimeout(() => { console.error('browser checks: gave up after 30 minutes'); process.exit(2); }, 30 * 60_000).unref();
const KOREAN = 'ko/'; // the Korean site's folder in the English one

// A recursive crawl from BASE_URL, and one shallow run per page: the crawl validates a link's #anchor
// only if it finds the link before it fetches the target page, so it misses broken anchors on pages
// crawled late (so in 7.6.1; see linkinator PR #881); a page's own run always sees its links first.
async function checkLinks(files) {
  const runs = [{ path: base, recurse: true }, ...files.map((file) => ({ path: new URL(file, base).href }))];
  // the runs open up to 60 connections at once: the server's listen backlog must hold them (noxfile.py)
  const results = await Promise.all(runs.map((run) => new LinkChecker().check({
    ...run, checkFragments: true, checkCss: true, concurrency: 4, timeout: 10_000,
    retryErrors: true, retryErrorsCount: 2, retryErrorsJitter: 1_000, // a refused connection or 5xx, not a 404
    linksToSkip: async (url) => new URL(url).origin !== origin, // other hosts: skipped, never fetched
  })));
  const links = results.flatMap((result) => result.links);
  const urls = (state) => [...new Set(links.filter((l) => l.state === state).map((l) => l.url))];
  const broken = new Map(); // a missing #anchor has status 200; a page's own #anchors have no parent
  for (const { url, status, parent = url.split('#')[0] } of links.filter((l) => l.state === 'BROKEN')) {
    if (!broken.has(url)) broken.set(url, { url, status, parents: [] });
    if (!broken.get(url).parents.includes(parent)) broken.get(url).parents.push(parent);
  }
  return { checked: urls('OK').length + urls('BROKEN').length, broken: [...broken.values()], skipped: urls('SKIPPED') };
}

async function checkPage(browser, file, mode, width = 1280) {
  const label = width === 1280 ? mode : `${mode} ${width}px`;
  const context = await browser.createBrowserContext(); // fresh localStorage: the theme keeps its mode there
  const page = await context.newPage();
  const row = {
    page: file, mode: label, theme: null, thirdParty: [], httpErrors: [], violations: [], figures: 0, noAlt: 0, noCaption: 0,
    copyButtons: '-', copyProblems: [], searchFields: null, overflow: null, switcher: null,
  };
  try {
    page.setDefaultTimeout(TIMEOUT);
    await page.setViewport({ width, height: width === 1280 ? 800 : 844 });
    await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: mode }]);
    await page.setRequestInterception(true);
    page.on('request', (request) => {
      const url = request.url();
      if (/^(data|blob):/.test(url) || new URL(url).origin === origin) return request.continue();
      row.thirdParty.push(url);
      return request.abort('blockedbyclient');
    });
    page.on('response', (response) => {
      if (response.status() >= 400) row.httpErrors.push(`${response.status()} ${response.url()}`);
    });
    await page.goto(new URL(file, base).href, { waitUntil: 'networkidle0' });
    await page.evaluate(async () => { await window.MathJax?.startup?.promise; }); // typeset, if MathJax loaded
    row.theme = await page.evaluate(() => document.documentElement.dataset.theme);
    // the switcher's link to the other language, as a path from the site's root
    const other = file.startsWith(KOREAN) ? 'en' : 'ko';
    row.switcher = await page.$$eval(`nav.language-switcher a[hreflang="${other}"]`,
      (as) => as.map((a) => a.href)).then((hrefs) => hrefs.map((href) => new URL(href).pathname.slice(new URL(base).pathname.length)));
    await page.addScriptTag({ path: AXE });
    const { violations } = await page.evaluate(() => axe.run(document, { resultTypes: ['violations'] }));
    row.violations = violations.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.length, targets: v.nodes.map((n) => n.target.join(' ')),
    }));
    // figures: the article's images, less the theme's and Sphinx's own (logo, index togglers) from _static/
    const figures = await page.$$eval('main article.bd-article img:not([src*="_static/"])', (imgs) => imgs.map((img) => ({
      alt: (img.getAttribute('alt') ?? '').trim(),
      caption: (img.closest('figure')?.querySelector('figcaption')?.textContent ?? '').trim(),
    })));
    // one search field in view (the sidebar's): pydata-sphinx-theme 0.20 added a second, in a top bar
    row.searchFields = await page.$$eval('.search-button-field',
      (fields) => fields.filter((field) => field.checkVisibility()).length);
    // the page body must fit the viewport: nothing may stick out to the right, except inside an element
    // that scrolls on purpose (code blocks, wide tables and equations in their own scroll boxes)
    row.overflow = await page.evaluate(() => {
      const limit = window.innerWidth + 1;
      const scrolls = (el) => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
      const insideScroller = (el) => { for (let a = el.parentElement; a; a = a.parentElement) if (scrolls(a)) return true; return false; };
      const wide = [...document.body.querySelectorAll('*')].filter((el) => {
        const box = el.getBoundingClientRect();
        return box.width > 0 && box.right > limit && getComputedStyle(el).position !== 'fixed' && !insideScroller(el);
      });
      const outermost = wide.filter((el) => !wide.includes(el.parentElement));
      const name = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${[...el.classList].slice(0, 2).map((c) => `.${c}`).join('')}`;
      return {
        scrollWidth: document.scrollingElement.scrollWidth,
        width: window.innerWidth,
        offenders: outermost.slice(0, 3).map((el) => `${name(el)} (right edge at ${Math.round(el.getBoundingClientRect().right)} px)`),
      };
    });
    row.figures = figures.length;
    row.noAlt = figures.filter((f) => !f.alt).length;
    row.noCaption = figures.filter((f) => !f.caption).length;
    const stem = file.replace(/\.html$/, '').replace('/', '-'); // ko/relu.html: ko-relu-light.png
    // captureBeyondViewport: false resizes the viewport to the page; Chromium's capture beyond the
    // viewport lays out the theme's sidebars wrongly (offset, half collapsed), differently each time
    const shot = path.join(outDir, 'screenshots', `${stem}-${width === 1280 ? mode : 'phone'}.png`);
    await page.screenshot({ path: shot, fullPage: true, captureBeyondViewport: false });
    // after the screenshot: a clicked copy button shows a check mark for two seconds
    // copy buttons: one on every code block outside a cell's output, none on outputs, and what a click
    // copies has no >>>, ... or $ prompt and no doctest output line. sphinx-copybutton copies through
    // clipboard.js, which selects the text in a hidden textarea and calls execCommand('copy'): the hook
    // records that text instead of touching the clipboard.
    const copy = await page.evaluate(() => {
      const copied = [];
      document.execCommand = (command) => command === 'copy' && copied.push(document.activeElement?.value ?? '') > 0;
      const blocks = [...document.querySelectorAll('main article.bd-article div.highlight pre')];
      const isOutput = (pre) => Boolean(pre.closest('.cell_output'));
      const button = (pre) => pre.id && pre.parentElement.querySelector(`button.copybtn[data-clipboard-target="#${pre.id}"]`);
      return {
        code: blocks.filter((pre) => !isOutput(pre)).length,
        buttons: blocks.filter((pre) => !isOutput(pre) && button(pre)).length,
        onOutputs: blocks.filter((pre) => isOutput(pre) && button(pre)).length,
        copies: blocks.filter((pre) => button(pre)).map((pre) => {
          const before = copied.length;
          button(pre).click();
          return {
            text: copied.length > before ? copied.at(-1) : null,
            outputs: [...pre.querySelectorAll('.go')].map((node) => node.textContent.trim()),
          };
        }),
      };
    });
    row.copyButtons = `${copy.buttons}/${copy.code}`;
    const prompt = /^(>>>|\.\.\.|\$)( |$)/;
    row.copyProblems = [
      ...(copy.buttons < copy.code ? [`${copy.code - copy.buttons} code block(s) without a copy button`] : []),
      ...(copy.onOutputs ? [`${copy.onOutputs} copy button(s) on cell outputs`] : []),
      ...copy.copies.flatMap(({ text, outputs }, i) => {
        if (!text?.trim()) return [`block ${i + 1}: a click copied nothing`];
        const lines = text.split('\n').map((line) => line.trim());
        return [
          ...lines.filter((line) => prompt.test(line)).map((line) => `block ${i + 1} copies a prompt: ${line}`),
          ...outputs.filter((out) => out && lines.includes(out)).map((out) => `block ${i + 1} copies output: ${out}`),
        ];
      }),
    ];
  } catch (error) {
    row.error = String(error.message ?? error).split('\n')[0];
  } finally {
    await context.close();
  }
  const serious = row.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
  row.reasons = [ // why the row failed, one line each; empty when it passed
    ...(row.error ? [`error: ${row.error}`] : []),
    ...(row.theme !== mode ? [`data-theme is ${row.theme}, expected ${mode}`] : []),
    ...serious.map((v) => `axe ${v.impact} ${v.id} (${v.nodes} node(s), first: ${v.targets[0]}): ${v.help}`),
    ...row.thirdParty.map((url) => `request to another host: ${url}`),
    ...row.httpErrors.map((error) => `HTTP error: ${error}`),
    ...row.copyProblems.map((problem) => `copy button: ${problem}`),
    // at phone width the theme hides the sidebar's search field behind the header's search button
    ...(width === 1280 && row.searchFields !== null && row.searchFields !== 1
      ? [`${row.searchFields} search fields in view, expected 1`] : []),
    ...(row.switcher !== null && (row.switcher.length !== 1 || row.switcher[0] !== twin(file))
      ? [`the language switcher links ${row.switcher.join(', ') || 'nothing'}, expected ${twin(file)}`] : []),
    ...(row.noAlt ? [`${row.noAlt} figure(s) without alt text`] : []),
    ...(row.noCaption ? [`${row.noCaption} figure(s) without a caption`] : []),
    ...(row.overflow && (row.overflow.scrollWidth > row.overflow.width + 1 || row.overflow.offenders.length)
      ? [`the page is ${row.overflow.scrollWidth} px wide in a ${row.overflow.width}-px window: ` +
        `${row.overflow.offenders.join(', ') || 'no single element found'}`] : []),
  ];
  row.failed = row.reasons.length > 0;
  return row;
}

// The same page in the other language: its namesake there, else that language's landing page.
function twin(file) {
  const target = file.startsWith(KOREAN) ? file.slice(KOREAN.length) : KOREAN + file;
  return files.includes(target) ? target : (file.startsWith(KOREAN) ? 'index.html' : `${KOREAN}index.html`);
}

// Sphinx's search page, as a reader uses it: a query for a term of one page must list that page
// (`expected`, from the site's root; the search page is the one of that page's language)
async function checkSearch(browser, query, expected) {
  const page = await browser.newPage();
  const searchPage = new URL(`${expected.startsWith(KOREAN) ? KOREAN : ''}search.html?q=${encodeURIComponent(query)}`, base);
  try {
    await page.goto(searchPage.href, { waitUntil: 'networkidle0' });
    // searchtools.js lists the hits one by one, 5 ms apart, then writes its summary, in the page's language:
    // wait for the summary of as many hits as are listed (or of none)
    await page.waitForFunction(() => {
      const summary = document.querySelector('#search-results p.search-summary')?.textContent ?? '';
      const count = document.querySelectorAll('#search-results ul.search li').length;
      const found = Documentation.ngettext('Search finished, found one page matching the search query.',
        'Search finished, found ${resultCount} pages matching the search query.', count).replace('${resultCount}', count);
      const none = Documentation.gettext('Your search did not match any documents. Please make sure that all words ' +
        "are spelled correctly and that you've selected enough categories.");
      return summary !== '' && summary === (count ? found : none);
    }, { timeout: TIMEOUT });
    const hits = await page.$$eval('#search-results ul.search li a', (as) => as.map((a) => a.href));
    const root = new URL(base).pathname;
    const pages = [...new Set(hits.map((href) => new URL(href).pathname.slice(root.length)))];
    return { query, expected, pages, passed: pages.includes(expected) };
  } catch (error) {
    return { query, expected, pages: [], passed: false, error: String(error.message ?? error).split('\n')[0] };
  } finally {
    await page.close();
  }
}

function markdown(report) {
  const { links, searches, pages } = report;
  const count = (r, serious) => r.violations.filter((v) => ['serious', 'critical'].includes(v.impact) === serious)
    .map((v) => `${v.id} (${v.nodes})`).join(', ') || '0';
  const lines = [
    '# Browser checks', '',
    `Links (linkinator): ${links.checked} checked, ${links.broken.length} broken, ` +
      `${links.skipped.length} on other hosts skipped.`, '',
    ...searches.map((search) => `Search for "${search.query}": ${search.pages.length} page(s) found ` +
      `(${search.pages.join(', ') || 'none'}); ${search.passed ? 'lists' : '**does not list**'} ${search.expected}` +
      `${search.error ? ` (${search.error})` : ''}.`), '',
    '| result | page | mode | data-theme | axe serious/critical | axe other | third-party requests | HTTP errors ' +
      '| copy buttons | figures | without alt text | without caption | page width |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...pages.map((r) => `| ${r.failed ? '**FAIL**' : 'ok'} | ${r.page} | ${r.mode} | ${r.theme ?? '-'} ` +
      `| ${count(r, true)} | ${count(r, false)} | ${r.thirdParty.length} | ${r.httpErrors.length} ` +
      `| ${r.copyButtons} | ${r.figures} | ${r.noAlt} | ${r.noCaption} ` +
      `| ${r.overflow ? `${r.overflow.scrollWidth}/${r.overflow.width}` : '-'} |`),
    '', '## axe-core violations', '',
    '| page | mode | rule | impact | nodes | first node |', '|---|---|---|---|---|---|',
    ...pages.flatMap((r) => r.violations.map((v) =>
      `| ${r.page} | ${r.mode} | ${v.id} | ${v.impact} | ${v.nodes} | \`${v.targets[0].replaceAll('|', '\\|')}\` |`)),
    // last, so that the end of a CI log says why the run failed: broken links, a missed search, and each
    // page's reasons (axe rules, requests to other hosts, HTTP errors, copy buttons, figures, search fields)
    '', '## Failures', '', ...failures(report).map((failure) => `- ${failure}`), ...(report.passed ? ['none'] : []),
  ];
  return lines.join('\n') + '\n';
}

// every reason the run failed, one line each
function failures({ links, searches, pages }) {
  return [
    ...links.broken.map((l) => `broken link: ${l.url} (status ${l.status}) on ${l.parents.join(', ')}`),
    ...searches.filter((search) => !search.passed).map((search) => `search for "${search.query}" does not list ` +
      `${search.expected}: found ${search.pages.join(', ') || 'nothing'}${search.error ? ` (${search.error})` : ''}`),
    ...pages.flatMap((r) => r.reasons.map((reason) => `${r.page} (${r.mode}): ${reason}`)),
  ];
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(path.join(outDir, 'screenshots'), { recursive: true });
const html = (folder) => readdirSync(path.join(htmlDir, folder)).filter((f) => f.endsWith('.html')).sort();
const files = [...html(''), ...html(KOREAN).map((f) => KOREAN + f)]; // the English site, then the Korean
console.log(`linkinator: checking the links of ${files.length} pages`);
const links = await checkLinks(files);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  protocolTimeout: TIMEOUT,
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
    '--no-first-run'],
});
const pages = [];
const searches = [];
try {
  searches.push(await checkSearch(browser, 'vanishing gradient', 'vanishing-gradient.html'));
  searches.push(await checkSearch(browser, '기울기 소실', `${KOREAN}vanishing-gradient.html`));
  for (const file of files) {
    for (const mode of MODES) {
      pages.push(await checkPage(browser, file, mode));
      console.log(`${pages.at(-1).failed ? 'FAIL' : 'ok  '} ${file} (${mode})`);
    }
    pages.push(await checkPage(browser, file, 'light', 390)); // a phone: the body must not overflow
    console.log(`${pages.at(-1).failed ? 'FAIL' : 'ok  '} ${file} (light, 390 px)`);
  }
} finally {
  await browser.close();
}
const report = { base, links, searches, pages };
report.passed = failures(report).length === 0;
writeFileSync(path.join(outDir, 'report.json'), JSON.stringify(report, null, 2) + '\n');
const text = markdown(report);
writeFileSync(path.join(outDir, 'report.md'), text);
console.log(`\n${text}\n${report.passed ? 'passed' : 'FAILED'}: see ${path.join(outDir, 'report.md')}`);
process.exitCode = report.passed ? 0 : 1;

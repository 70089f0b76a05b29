// Playwright helpers for the editor in UI tests (test/e2e/ui.test.mjs, test/e2e/editor-ui.test.mjs),
// on top of scripts/e2e/ui.mjs: the active editor's text, the Problems rows, squiggles on a line,
// Ctrl+G, the quick-fix menu. Selectors for VS Code 1.139's web workbench.

/** The visible code editor of the active editor group. */
export function activeEditor(page) {
  return page.locator('.part.editor .editor-group-container.active .monaco-editor').first();
}

/** The active editor's visible text (Monaco renders spaces as U+00A0). */
export async function editorText(page) {
  const lines = await activeEditor(page).locator('.view-lines .view-line').evaluateAll((els) =>
    els.map((e) => ({ top: parseFloat(e.style.top) || 0, text: e.textContent || '' })));
  return lines.sort((a, b) => a.top - b.top).map((l) => l.text.replace(/\u00a0/g, ' ')).join('\n');
}

/** Problems rows as "aria-label | text" strings (the code, e.g. CL101, is in the text). */
export async function problemRowTexts(page) {
  return page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) =>
    rows.map((r) => `${r.getAttribute('aria-label') || ''} | ${(r.textContent || '').replace(/\s+/g, ' ')}`));
}

/** Polls `probe` (in Node) until it returns a truthy value; throws `what` after `timeout`. */
export async function waitUntil(what, probe, timeout = 30_000) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    try { last = await probe(); } catch (e) { last = e; }
    if (last && !(last instanceof Error)) return last;
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeout / 1000} s waiting for ${what}` +
        (last instanceof Error ? ` (${last.message})` : ''));
    }
    await new Promise((r) => setTimeout(r, 150));
  }
}

export async function waitForProblemRow(page, re, what, timeout = 30_000) {
  return waitUntil(`a Problems row matching ${re} (${what})`, async () =>
    (await problemRowTexts(page)).find((r) => re.test(r)), timeout);
}

/**
 * Waits for a `.squiggly-<kind>` decoration in the active editor that sits on the line whose text
 * contains `lineText`; returns that line's text.
 */
export async function waitForSquiggleOnLine(page, kind, lineText, timeout = 30_000) {
  const T = timeout;
  const editor = activeEditor(page);
  await editor.locator(`.squiggly-${kind}`).first().waitFor({ state: 'visible', timeout: T });
  return waitUntil(`a ${kind} squiggle on the line containing ${JSON.stringify(lineText)}`, () =>
    editor.evaluate((root, { kind, lineText }) => {
      const line = [...root.querySelectorAll('.view-lines .view-line')]
        .find((l) => (l.textContent || '').replace(/\u00a0/g, ' ').includes(lineText));
      if (!line) return undefined;
      const lr = line.getBoundingClientRect();
      const mid = lr.top + lr.height / 2;
      const hit = [...root.querySelectorAll(`.squiggly-${kind}`)].some((s) => {
        const r = s.getBoundingClientRect();
        return r.width > 0 && r.top <= mid && r.bottom >= mid;
      });
      return hit ? line.textContent.replace(/\u00a0/g, ' ').trim() : undefined;
    }, { kind, lineText }), T);
}

/** Ctrl+G to LINE:COL in the active editor; checks the status bar shows the new position. */
export async function goToLine(page, line, col, timeout = 30_000) {
  const T = timeout;
  await activeEditor(page).waitFor({ state: 'visible', timeout: T });
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: T });
  await input.fill(`:${line}:${col}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: T });
  await page.locator('#status\\.editor\\.selection', { hasText: `Ln ${line}, Col ${col}` })
    .waitFor({ state: 'visible', timeout: T });
}

/**
 * Opens the quick-fix menu from the light bulb (falls back to Ctrl+. when the bulb is not shown)
 * and returns the menu locator.
 */
export async function openQuickFixMenu(page, { timeout = 30_000, log = () => {} } = {}) {
  const T = timeout;
  const menu = page.locator('.action-widget').filter({ has: page.locator('.monaco-list-row') });
  const bulb = activeEditor(page).locator('.lightBulbWidget');
  let via = 'Ctrl+.';
  try {
    await bulb.waitFor({ state: 'visible', timeout: T });
    await bulb.click();
    await menu.first().waitFor({ state: 'visible', timeout: 5_000 });
    via = 'the light bulb';
  } catch (e) {
    log(`light bulb did not open the menu (${e.message.split('\n')[0]}); using Ctrl+.`);
    await activeEditor(page).locator('textarea, .native-edit-context').first().focus().catch(() => {});
    await page.keyboard.press('Control+.');
    await menu.first().waitFor({ state: 'visible', timeout: T });
  }
  return { menu: menu.first(), via };
}

// Shared by the end-to-end tests: serve the built site on 127.0.0.1 with its headers, and start
// Debian's chromium through playwright-core with flags that work on a machine without a network.
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const repo = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function serveSite(siteDir) {
  const server = spawn(process.execPath, [join(repo, 'web', 'serve.mjs'), siteDir, '--port', '0'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolveUrl, reject) => {
    let text = '';
    server.stdout.on('data', (chunk) => {
      text += chunk;
      const match = text.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (match) resolveUrl(match[0]);
    });
    server.on('exit', (code) => reject(new Error(`serve.mjs exited with ${code}`)));
  });
  return { url, close: () => server.kill() };
}

export async function launchChromium() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--enable-unsafe-swiftshader', '--enable-unsafe-webgpu'],
    // playwright gives every launch a fresh, empty profile of its own (no --user-data-dir needed).
  });
}

// The fixture every browser test starts from: the site served, chromium started, the artefact folder made.
export async function startSession(siteDir, artifactsDir) {
  mkdirSync(artifactsDir, { recursive: true });
  const server = await serveSite(siteDir);
  const browser = await launchChromium();
  return {
    server,
    browser,
    async close() {
      await browser.close();
      server.close();
    },
  };
}

// Drops files on the page as a user would: a DataTransfer with File objects and a drop event.
export async function dropFiles(page, files) {
  const payload = files.map((f) => ({ name: f.name, base64: f.bytes.toString('base64') }));
  await page.evaluate((items) => {
    const transfer = new DataTransfer();
    for (const item of items) {
      const bytes = Uint8Array.from(atob(item.base64), (c) => c.charCodeAt(0));
      transfer.items.add(new File([bytes], item.name));
    }
    const canvas = document.getElementById('canvas');
    canvas.dispatchEvent(new DragEvent('dragover', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    canvas.dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, payload);
}

export async function waitForResults(page, count, timeoutMs = 60000) {
  const handle = await page.waitForFunction((n) => {
    const r = globalThis.stratum && globalThis.stratum.results();
    return r && r.rows.length === n && r.rows.every((row) => row.status === 'scored' || row.status === 'failed') && r;
  }, count, { timeout: timeoutMs, polling: 100 });
  return handle.jsonValue();
}

// Two animation frames: the page has drawn (and laid out) what the last event changed.
export function frames(page) {
  return page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
}

// What a user does with a pointer on the widget marked `mark` (globalThis.stratum.ui()): over it for a
// frame, pressed and released in frames of their own (ImGui 1.86 reads the button state once a frame).
export async function press(page, mark) {
  const rect = (await page.evaluate(() => globalThis.stratum.ui()))[mark];
  if (!rect) throw new Error(`no widget marked ${mark} was drawn`);
  await page.mouse.move((rect[0] + rect[2]) / 2, (rect[1] + rect[3]) / 2);
  await frames(page);
  await page.mouse.down();
  await frames(page);
  await page.mouse.up();
  await frames(page);
}

// Renders `migrate plan --dry-run --format markdown` of every plan in plans/ the way a pull-request
// comment shows it: Markdown → HTML with marked (GFM), the ```mermaid block drawn by mermaid, in
// headless Debian Chromium driven by playwright-core. Saves, per plan, under target/render/:
//   <plan>.html           the page
//   <plan>.png            the page as a reviewer first sees it (<details> closed)
//   <plan>-expanded.png   every <details> block open
//   <plan>-details-N.png  the N-th <details> block, open
//   <plan>-graph.png      the Mermaid graph alone
// Exits non-zero when a command fails or Mermaid reports a syntax error.
//
// Usage (from the repository root): node scripts/render-markdown/render.mjs [plans/x.yaml ...]
// Needs: `apt-get install -y chromium`, `npm ci --prefix scripts/render-markdown`.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import { marked } from "marked";
import { chromium } from "playwright-core";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = resolve(here, "..", "..");
const out = join(root, "target", "render");
const mermaidJs = join(here, "node_modules", "mermaid", "dist", "mermaid.min.js");
const browserPath = process.env.CHROMIUM ?? "/usr/bin/chromium";

const plans = process.argv.length > 2
  ? process.argv.slice(2)
  : readdirSync(join(root, "plans")).filter((f) => f.endsWith(".yaml")).sort().map((f) => join("plans", f));

// Roughly GitHub's comment styles, so widths and wrapping read the same.
const css = `
body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328;
       max-width: 980px; margin: 24px auto; padding: 0 32px; }
table { border-collapse: collapse; margin: 8px 0 16px; display: block; overflow: auto; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
pre { background: #f6f8fa; padding: 16px; overflow: auto; border-radius: 6px; }
pre code { background: none; padding: 0; }
pre.mermaid { background: none; text-align: center; }
details { margin: 4px 0; } summary { cursor: pointer; }
h1, h2, h3 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
`;

function page(title, markdown) {
  const renderer = new marked.Renderer();
  const code = renderer.code.bind(renderer);
  renderer.code = (token) => {
    if (token.lang === "mermaid") {
      const escaped = token.text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
      return `<pre class="mermaid">${escaped}</pre>\n`;
    }
    return code(token);
  };
  const body = marked.parse(markdown, { gfm: true, renderer });
  return `<!doctype html><html><head><meta charset="utf-8"><title>${title}</title><style>${css}</style></head><body>${body}</body></html>`;
}

function dryRun(plan) {
  return execFileSync("cargo", ["run", "-q", "--locked", "--", "plan", "--dry-run", plan, "--format", "markdown"], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
    stdio: ["ignore", "pipe", "inherit"],
  });
}

mkdirSync(out, { recursive: true });
const profile = mkdtempSync(join(tmpdir(), "migrate-render-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: browserPath,
  headless: true,
  viewport: { width: 1100, height: 900 },
  args: [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
  ],
});
let failures = 0;
try {
  for (const plan of plans) {
    const name = basename(plan).replace(/\.ya?ml$/, "");
    const markdown = dryRun(plan);
    writeFileSync(join(out, `${name}.md`), markdown);
    const html = page(name, markdown);
    writeFileSync(join(out, `${name}.html`), html);
    const tab = await context.newPage();
    await tab.setContent(html, { waitUntil: "load" });
    await tab.addScriptTag({ path: mermaidJs });
    const error = await tab.evaluate(async () => {
      // eslint-disable-next-line no-undef
      mermaid.initialize({ startOnLoad: false, securityLevel: "strict", theme: "default" });
      try {
        // eslint-disable-next-line no-undef
        await mermaid.run({ querySelector: "pre.mermaid" });
        return null;
      } catch (e) {
        return String(e?.message ?? e);
      }
    });
    const graphs = await tab.locator("pre.mermaid svg").count();
    if (error || graphs === 0) {
      console.error(`${plan}: mermaid did not draw the graph: ${error ?? "no <svg>"}`);
      failures += 1;
    }
    await tab.screenshot({ path: join(out, `${name}.png`), fullPage: true });
    await tab.evaluate(() => document.querySelectorAll("details").forEach((d) => { d.open = true; }));
    await tab.screenshot({ path: join(out, `${name}-expanded.png`), fullPage: true });
    // Each opened <details> block alone, legible at its own size.
    const blocks = tab.locator("details");
    for (let i = 0; i < (await blocks.count()); i += 1) {
      await blocks.nth(i).screenshot({ path: join(out, `${name}-details-${i + 1}.png`) });
    }
    // The graph alone, at its own size, to read the node labels.
    if (graphs > 0) {
      await tab.locator("pre.mermaid").first().screenshot({ path: join(out, `${name}-graph.png`) });
    }
    await tab.close();
    console.log(`rendered ${plan} -> target/render/${name}.png (${graphs} graph${graphs === 1 ? "" : "s"})`);
  }
} finally {
  await context.close();
  rmSync(profile, { recursive: true, force: true });
}
process.exit(failures === 0 ? 0 : 1);

/**
 * The portal's page and its assets. The page is TypeScript (Preact components and Chart.js charts,
 * in `emulator/portal/web/`), bundled by esbuild in memory on the first request that needs it
 * (0.2 to 0.5 s once per process for 230 KB of script, never at start-up, so an emulator nobody
 * opens the portal of pays nothing): nothing generated is committed, and no CDN or network is
 * involved; every byte comes from the project's own dependencies.
 *
 * The HTML is a shell with no data and no inline script or style, under a Content-Security-Policy
 * that lets the page load only its own scripts, styles and API.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";

/** Where the page's sources are. */
const WEB = path.join(__dirname, "..", "portal", "web");

/** Headers of every portal answer: nothing cached, nothing framed, nothing sent elsewhere. */
export const PORTAL_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Content-Security-Policy":
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; " +
    "frame-ancestors 'none'",
};

/** A bundled script. */
export type PortalScript = "app" | "login";

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

/** Builds and keeps the page's scripts and style. */
export class PortalAssets {
  private scripts: Promise<Record<PortalScript, string>> | undefined;
  private style: string | undefined;

  /** The bundled scripts (built once, on first use). */
  script(name: PortalScript): Promise<string> {
    this.scripts ??= this.build().catch((error: unknown) => {
      // A failed build is retried by the next request rather than remembered.
      this.scripts = undefined;
      throw error;
    });
    return this.scripts.then((scripts) => scripts[name]);
  }

  /** The style sheet. */
  css(): string {
    this.style ??= readFileSync(path.join(WEB, "portal.css"), "utf8");
    return this.style;
  }

  /**
   * The HTML shell: the application for a signed-in browser, the sign-in form otherwise.
   * @param kind - which page
   * @param message - for the sign-in page: why the browser is there
   */
  html(kind: PortalScript, message?: string): string {
    const body =
      kind === "app"
        ? `<div id="app"><p class="loading">Loading the portal…</p></div>`
        : [
            `<main class="login">`,
            `<h1>Azure ML emulator portal</h1>`,
            message ? `<p class="notice" role="alert">${escapeHtml(message)}</p>` : "",
            `<p>Open the URL the emulator printed when it started (it signs you in once), or paste`,
            ` the workspace token from the emulator's <code>credentials.json</code>.</p>`,
            `<form id="login"><label for="token">Token</label>`,
            `<input id="token" name="token" type="password" autocomplete="off" required>`,
            `<button type="submit">Sign in</button></form>`,
            `<p id="login-error" class="error" role="alert"></p>`,
            `</main>`,
          ].join("");
    return [
      "<!doctype html>",
      `<html lang="en"><head><meta charset="utf-8">`,
      `<meta name="viewport" content="width=device-width, initial-scale=1">`,
      `<title>Azure ML emulator portal</title>`,
      `<link rel="stylesheet" href="/portal/assets/portal.css">`,
      `<script type="module" src="/portal/assets/${kind}.js"></script>`,
      `</head><body>${body}</body></html>`,
    ].join("");
  }

  private async build(): Promise<Record<PortalScript, string>> {
    // Loaded here, not at the top: only an emulator whose portal is opened needs esbuild.
    const esbuild = await import("esbuild");
    const result = await esbuild.build({
      entryPoints: { app: path.join(WEB, "main.tsx"), login: path.join(WEB, "login.ts") },
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      jsx: "automatic",
      jsxImportSource: "preact",
      define: { "process.env.NODE_ENV": '"production"' },
      outdir: "portal-bundle",
      write: false,
      logLevel: "silent",
    });
    const byName = (name: PortalScript): string => {
      const file = result.outputFiles.find((f) => path.basename(f.path) === `${name}.js`);
      if (!file) throw new Error(`the portal's ${name}.js was not built`);
      return file.text;
    };
    return { app: byName("app"), login: byName("login") };
  }
}

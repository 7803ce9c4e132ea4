/**
 * Headless Chromium for the dashboard tests: Debian's `chromium` package driven by
 * `playwright-core` (which ships no browser). Installed on first use with `apt-get` (as root,
 * through the stack's `aptInstall`; a one-time cost of a minute or two), then found on the PATH.
 *
 * @example
 *   const browser = await launchChromium();
 *   const page = await browser.newPage();
 */
import { chromium, type Browser } from "playwright-core";
import { aptInstall, run } from "../../stack/lib/installers.ts";

/** Debian's browser binary and package. */
const BINARY = "chromium";
const PACKAGES = ["chromium"] as const;

/**
 * The path of a Chromium executable, installing Debian's package when none is on the PATH.
 * `CHROMIUM_PATH` overrides the search (another build of Chromium or Chrome).
 */
export async function ensureChromium(): Promise<string> {
  const override = process.env.CHROMIUM_PATH;
  if (override) return override;
  const started = Date.now();
  console.log(`[chromium] looking for ${BINARY} (apt-get install -y ${PACKAGES.join(" ")} when missing)…`);
  const installed = await aptInstall(BINARY, PACKAGES);
  if (installed) console.log(`[chromium] installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return (await run("sh", ["-c", `command -v ${BINARY}`])).trim();
}

/** Launches headless Chromium (installed when missing). Close it in `afterAll`. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = await ensureChromium();
  return chromium.launch({
    executablePath,
    headless: true,
    // Root in a container: no user namespace sandbox available; /dev/shm may be tiny.
    args: ["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"],
  });
}

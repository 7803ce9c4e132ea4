/**
 * Entry point of every CLI and process: runs `main`, and on failure prints a VitrineError as
 * `CODE: message` (anything else with its stack) and exits 1.
 *
 * @example
 *   runMain(async () => { … });
 */
import { VitrineError } from "./vitrine-error.ts";

export function runMain(main: () => Promise<unknown>): void {
  main().catch((err: unknown) => {
    console.error(err instanceof VitrineError ? `${err.code}: ${err.message}` : err);
    process.exit(1);
  });
}

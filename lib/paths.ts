/** Well-known folders of the repository. */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Repository root (this file lives in `lib/`). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");

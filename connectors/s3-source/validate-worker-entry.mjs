// Entry of the connector's validation worker thread: loads the TypeScript worker through tsx's
// API, whatever loader (tsx, vitest) started the parent thread.
import { tsImport } from "tsx/esm/api";

await tsImport("./validate-worker.ts", import.meta.url);

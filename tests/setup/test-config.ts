/** Integration-test helpers: the configuration of the running local stack and unique names. */
import { randomBytes } from "node:crypto";
import { loadConfig, type Config } from "../../lib/config/config.ts";

/** Configuration of the local stack the global setup brought up. */
export const testConfig = (): Config => loadConfig(process.env);

/** A unique, identifier-safe name for a topic, table or database of one test. */
export const uniqueName = (prefix: string): string =>
  `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString("hex")}`;

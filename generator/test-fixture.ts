/**
 * Helpers shared by the generator's unit tests: generate a dataset into a fresh temporary folder
 * and read its CSV files back with csv-parse.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { generateDataset } from "./generate-dataset.ts";
import type { GeneratorOptions } from "./options.ts";
import { createDirectorySink } from "./sink.ts";
import type { DatasetSummary } from "./summary.ts";

/** A generated dataset on disk. */
export interface GeneratedFixture {
  readonly dir: string;
  readonly summary: DatasetSummary;
  /** Text of a file. */
  text(name: string): string;
  /** Records of a (clean) file, header excluded. */
  rows(name: string, delimiter: "," | ";"): string[][];
  /** Deletes the folder. */
  remove(): void;
}

/** Generates a dataset into a new temporary folder. */
export async function generateFixture(options: Partial<GeneratorOptions>): Promise<GeneratedFixture> {
  const dir = mkdtempSync(join(tmpdir(), "vitrine-generator-test-"));
  const summary = await generateDataset(options, createDirectorySink(dir));
  const text = (name: string): string => readFileSync(join(dir, name), "utf8");
  return {
    dir,
    summary,
    text,
    rows: (name, delimiter) => (parse(text(name), { delimiter, relax_quotes: false }) as string[][]).slice(1),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

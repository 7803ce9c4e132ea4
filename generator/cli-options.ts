/**
 * Command-line options shared by `npm run generate` (cli.ts) and `npm run pos` (live-cli.ts): the
 * value parsers and the options that shape the chain's model, with the same names and defaults in
 * both, so that the same arguments give the same stores, sellers and products.
 */
import { InvalidArgumentError, type Command } from "commander";
import { DEFAULT_OPTIONS, type GeneratorOptions } from "./options.ts";

/** Parser of a whole number ≥ 0. */
export const integer = (name: string) => (v: string) => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError(`${name} must be a whole number.`);
  return Number(v);
};

/** Parser of a number > 0. */
export const positive = (name: string) => (v: string) => {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError(`${name} must be a number above 0.`);
  return n;
};

/** Parser of a rate between 0 and 1. */
export const fraction = (v: string): number => {
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1)
    throw new InvalidArgumentError("must be between 0 and 1.");
  return n;
};

/** The parsed model options. */
export type ModelCliOptions = Pick<
  GeneratorOptions,
  "seed" | "from" | "to" | "stores" | "sellersPerStore" | "products"
>;

/**
 * Adds `--seed`, `--from`, `--to`, `--stores`, `--sellers-per-store` and `--products` with the
 * generator's defaults.
 *
 * @param monthHelp help texts of `--from` and `--to`
 */
export function addModelOptions(program: Command, monthHelp: { from: string; to: string }): Command {
  return program
    .option("--seed <n>", "seed of every random stream", integer("--seed"), DEFAULT_OPTIONS.seed)
    .option("--from <YYYY-MM>", monthHelp.from, DEFAULT_OPTIONS.from)
    .option("--to <YYYY-MM>", monthHelp.to, DEFAULT_OPTIONS.to)
    .option("--stores <n>", "number of stores", integer("--stores"), DEFAULT_OPTIONS.stores)
    .option(
      "--sellers-per-store <n>",
      "vendedor positions per store (plus one gerente)",
      integer("--sellers-per-store"),
      DEFAULT_OPTIONS.sellersPerStore,
    )
    .option("--products <n>", "number of products", integer("--products"), DEFAULT_OPTIONS.products);
}

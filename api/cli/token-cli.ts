/**
 * `npm run token -- --role seller --seller 123 [--store 7] [--ttl 12h] [--sub NAME]` — prints a
 * signed API token (JWT HS256 with `JWT_SECRET`) on stdout, nothing else, so it can be captured:
 * `TOKEN=$(npm run -s token -- --role manager --store 7)`.
 *
 * A seller token needs `--seller`; a manager token needs `--store`; an admin token neither.
 */
import { Command, InvalidArgumentError, Option } from "commander";
import { loadConfig } from "../../lib/config/config.ts";
import { runMain } from "../../lib/errors/run-main.ts";
import { ID_PATTERN, ROLES, type Role, type TokenClaims } from "../auth/principal.ts";
import { claimsFor, signToken, ttlSeconds } from "../auth/tokens.ts";

const id = (what: string) => (value: string) => {
  if (!new RegExp(ID_PATTERN).test(value))
    throw new InvalidArgumentError(`${what} must be a code (letters, digits, _ -)`);
  return value;
};
const ttl = (value: string) => {
  try {
    ttlSeconds(value);
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
  return value;
};

runMain(async () => {
  const program = new Command("token")
    .description("Print a signed Vitrine API token")
    .addOption(new Option("--role <role>", "seller, manager or admin").choices(ROLES).makeOptionMandatory())
    .option("--seller <id>", "the seller's employee id (seller tokens)", id("--seller"))
    .option("--store <id>", "the store code (manager tokens; optional for sellers)", id("--store"))
    .option("--sub <name>", "the subject recorded in the audit log (default: role:id)")
    .option("--ttl <span>", "lifetime, e.g. 15m, 12h, 30d", ttl, "12h")
    .showHelpAfterError();
  program.parse();
  const o = program.opts<{ role: Role; seller?: string; store?: string; sub?: string; ttl: string }>();
  const claims = ((): TokenClaims => {
    try {
      return claimsFor(o);
    } catch (err) {
      return program.error(`error: ${(err as Error).message}`);
    }
  })();
  const config = loadConfig(process.env);
  process.stdout.write(`${await signToken(config.api.jwtSecret, claims, o.ttl)}\n`);
});

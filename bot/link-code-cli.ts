/**
 * `npm run link-code -- --seller ID [--ttl MINUTES] [--issued-by WHO]`: issues a one-time
 * Telegram link code for a seller and prints it with its expiry (the code is shown only here;
 * ClickHouse keeps its hash). The seller sends `/start CODE` to the bot. The employee must exist
 * and be active.
 */
import { Command, InvalidArgumentError } from "commander";
import { createClickHouse } from "../lib/clickhouse/clickhouse-client.ts";
import { loadConfig } from "../lib/config/config.ts";
import { runMain } from "../lib/errors/run-main.ts";
import { VT_ERR_BOT_LINK_CODE_INVALID } from "../lib/errors/codes.ts";
import { VitrineError } from "../lib/errors/vitrine-error.ts";
import { DEFAULT_PLAN } from "../processors/domain/commission-plan.ts";
import { createFigures } from "../sql/figures/index.ts";
import { DEFAULT_TTL_MINUTES, issueLinkCode } from "./link-codes.ts";

const wholeNumber = (v: string): number => {
  if (!/^\d+$/.test(v)) throw new InvalidArgumentError("must be a whole number of minutes");
  return Number(v);
};

runMain(async () => {
  const opts = new Command("link-code")
    .description("issue a one-time Telegram link code for a seller")
    .requiredOption("--seller <id>", "employee id (id_employee)")
    .option("--ttl <minutes>", "lifetime in minutes", wholeNumber, DEFAULT_TTL_MINUTES)
    .option("--issued-by <who>", "who issues it, for the record", "cli")
    .parse()
    .opts<{ seller: string; ttl: number; issuedBy: string }>();
  const config = loadConfig(process.env);
  const ch = createClickHouse(config.clickhouse);
  try {
    const employee = await createFigures({ ch, plan: DEFAULT_PLAN }).employee(opts.seller);
    if (employee?.status !== "ativo")
      throw new VitrineError(
        VT_ERR_BOT_LINK_CODE_INVALID,
        employee ? `employee ${opts.seller} is not active` : `no employee with id ${opts.seller}`,
      );
    const { code, expiresAt } = await issueLinkCode(ch, {
      sellerId: opts.seller,
      issuedBy: opts.issuedBy,
      ttlMinutes: opts.ttl,
    });
    console.log(
      `code ${code} for seller ${opts.seller}, valid until ${expiresAt}: send /start ${code} to the bot`,
    );
  } finally {
    await ch.close();
  }
});

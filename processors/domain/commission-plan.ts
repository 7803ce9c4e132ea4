/**
 * The commission plan as versioned data (DESIGN §6). The default plan is built in; another can be
 * loaded from a JSON file and is validated (every problem reported at once).
 *
 * @example
 *   const plan = DEFAULT_PLAN;
 *   multiplierFor(plan, revenueCents, targetCents); // 1250000n (= 1.25) at 100–119 %
 */
import { readFileSync } from "node:fs";
import { z } from "zod";
import { rateFromDecimal } from "./money.ts";

const decimal = z.string().regex(/^\d+(\.\d{1,6})?$/, "must be a decimal with at most 6 places, as text");

const planSchema = z.object({
  id: z.string().min(1),
  version: z.number().int().positive(),
  /** First month (YYYY-MM) the plan applies to. */
  validFrom: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "must be YYYY-MM"),
  baseRate: decimal,
  highMarginThreshold: decimal,
  highMarginBonus: decimal,
  /** Attainment floors and their month multipliers, any order; a floor of 0 must exist. */
  tiers: z
    .array(z.object({ minAttainment: decimal, multiplier: decimal }))
    .min(1)
    .refine((t) => t.some((x) => rateFromDecimal(x.minAttainment) === 0n), "needs a tier from attainment 0"),
  /** Roles that earn no commission (their sales still count for the store). */
  noCommissionRoles: z.array(z.string()).default(["gerente"]),
});

export type CommissionPlanData = z.infer<typeof planSchema>;

/** A plan with its rates as integer millionths, tiers sorted from the highest floor down. */
export interface CommissionPlan {
  readonly id: string;
  readonly version: number;
  readonly validFrom: string;
  readonly baseRate: bigint;
  readonly highMarginThreshold: bigint;
  readonly highMarginBonus: bigint;
  readonly tiers: readonly { readonly minAttainment: bigint; readonly multiplier: bigint }[];
  readonly noCommissionRoles: readonly string[];
}

/** Validates plan data and converts it. */
export function toPlan(data: unknown): CommissionPlan {
  const parsed = planSchema.safeParse(data);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`);
    throw new Error(`invalid commission plan: ${problems.join("; ")}`);
  }
  const p = parsed.data;
  return Object.freeze({
    id: p.id,
    version: p.version,
    validFrom: p.validFrom,
    baseRate: rateFromDecimal(p.baseRate),
    highMarginThreshold: rateFromDecimal(p.highMarginThreshold),
    highMarginBonus: rateFromDecimal(p.highMarginBonus),
    tiers: p.tiers
      .map((t) => ({
        minAttainment: rateFromDecimal(t.minAttainment),
        multiplier: rateFromDecimal(t.multiplier),
      }))
      .sort((a, b) => (a.minAttainment > b.minAttainment ? -1 : a.minAttainment < b.minAttainment ? 1 : 0)),
    noCommissionRoles: p.noCommissionRoles,
  });
}

/** Loads a plan from a JSON file. */
export const loadPlan = (path: string): CommissionPlan => toPlan(JSON.parse(readFileSync(path, "utf8")));

/** The default plan of DESIGN §6. */
export const DEFAULT_PLAN: CommissionPlan = toPlan({
  id: "default",
  version: 1,
  validFrom: "2000-01",
  baseRate: "0.03",
  highMarginThreshold: "0.50",
  highMarginBonus: "0.02",
  tiers: [
    { minAttainment: "0", multiplier: "1.00" },
    { minAttainment: "1.00", multiplier: "1.25" },
    { minAttainment: "1.20", multiplier: "1.50" },
  ],
  noCommissionRoles: ["gerente"],
});

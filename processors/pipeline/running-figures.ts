/**
 * A seller's month figures right after each accepted line of a batch (the `sales.feedback`
 * numbers), as a pure computation: the gold totals read after the batch's insert, minus the
 * later lines of the same seller-month in the batch. The commission rules are those of
 * `processors/domain/rules.ts` (tiers compared exactly, one rounding, gerente earns 0).
 *
 * @example
 *   const figures = runningFigures(plan, lines, totals, (s, m) => ({ target, role }));
 */
import type { CommissionPlan } from "../domain/commission-plan.ts";
import { monthCommissionCents, multiplierFor, nextTier, attainmentMillionths } from "../domain/rules.ts";

/** A seller-month's gold figures (after the batch). */
export interface MonthTotals {
  readonly revenueCents: bigint;
  readonly commissionMicro: bigint;
  readonly lines: bigint;
  readonly baskets: bigint;
}

/** What one accepted line added to its seller-month. */
export interface LineContribution {
  readonly sellerId: string;
  readonly month: string;
  readonly revenueCents: bigint;
  readonly commissionMicro: bigint;
  /** The line opened a basket the seller-month did not hold before. */
  readonly newBasket: boolean;
}

export interface SellerContext {
  readonly targetCents: bigint | undefined;
  /** Employee role ('' when the seller is unknown). */
  readonly role: string;
}

export interface RunningFigures {
  readonly monthRevenueCents: bigint;
  readonly targetCents: bigint | undefined;
  readonly attainmentMillionths: bigint | undefined;
  readonly multiplierMillionths: bigint;
  readonly monthCommissionCents: bigint;
  /** Month commission after the line minus before it (a tier jump included). */
  readonly earnedCents: bigint;
  readonly crossedTier: boolean;
  readonly nextTier: { readonly minAttainment: bigint; readonly multiplier: bigint } | undefined;
  /** Revenue still missing for the next tier (cents, rounded up), if there is one. */
  readonly revenueToNextTierCents: bigint | undefined;
  readonly lines: bigint;
  readonly baskets: bigint;
}

const key = (seller: string, month: string): string => `${seller}|${month}`;

/** Ceiling division of non-negative numbers. */
const ceilDiv = (n: bigint, d: bigint): bigint => (n + d - 1n) / d;

/**
 * Figures after each line, in the order of `lines`.
 *
 * @param totals gold totals by `seller|month`, read after the batch's rows were inserted
 * @param context target and role of a seller-month
 */
export function runningFigures(
  plan: CommissionPlan,
  lines: readonly LineContribution[],
  totals: ReadonlyMap<string, MonthTotals>,
  context: (sellerId: string, month: string) => SellerContext,
): RunningFigures[] {
  const current = new Map<string, { rev: bigint; comm: bigint; lines: bigint; baskets: bigint }>();
  const out = new Array<RunningFigures>(lines.length);
  const contexts = new Map<string, SellerContext>();
  // Backwards: the state after the last line is the gold total; each earlier line sees it minus
  // what the lines after it added.
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i]!;
    const k = key(l.sellerId, l.month);
    let c = current.get(k);
    if (!c) {
      const t = totals.get(k) ?? { revenueCents: 0n, commissionMicro: 0n, lines: 0n, baskets: 0n };
      c = { rev: t.revenueCents, comm: t.commissionMicro, lines: t.lines, baskets: t.baskets };
      current.set(k, c);
    }
    let ctx = contexts.get(k);
    if (!ctx) contexts.set(k, (ctx = context(l.sellerId, l.month)));
    const role = ctx.role === "" ? undefined : ctx.role;
    const target = ctx.targetCents;
    const revBefore = c.rev - l.revenueCents;
    const commBefore = c.comm - l.commissionMicro;
    const multAfter = multiplierFor(plan, c.rev, target);
    const multBefore = multiplierFor(plan, revBefore, target);
    const after = monthCommissionCents(plan, c.comm, multAfter, role);
    const before = monthCommissionCents(plan, commBefore, multBefore, role);
    const next = nextTier(plan, c.rev, target);
    out[i] = {
      monthRevenueCents: c.rev,
      targetCents: target,
      attainmentMillionths: attainmentMillionths(c.rev, target),
      multiplierMillionths: multAfter,
      monthCommissionCents: after,
      earnedCents: after - before,
      crossedTier: multAfter > multBefore,
      nextTier: next,
      revenueToNextTierCents:
        next && target !== undefined
          ? (() => {
              const missing = ceilDiv(next.minAttainment * target, 1_000_000n) - c.rev;
              return missing > 0n ? missing : 0n;
            })()
          : undefined,
      lines: c.lines,
      baskets: c.baskets,
    };
    c.rev = revBefore;
    c.comm = commBefore;
    c.lines -= 1n;
    if (l.newBasket) c.baskets -= 1n;
  }
  return out;
}

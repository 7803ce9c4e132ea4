/**
 * The numbers people are paid by (DESIGN §6), as pure exact functions: line margin and its rate
 * class, line commission, attainment and the month multiplier, month commission.
 */
import type { CommissionPlan } from "./commission-plan.ts";
import { RATE_SCALE, applyRate, centsOf, divRoundHalfAway } from "./money.ts";

/**
 * Whether a line is high-margin: (preco − cost) / preco ≥ threshold, compared exactly
 * ((preco − cost) × 10⁶ ≥ threshold × preco). Unknown cost → not high-margin.
 */
export function isHighMargin(plan: CommissionPlan, preco: string, cost: string | undefined): boolean {
  if (cost === undefined) return false;
  const p = centsOf(preco);
  if (p <= 0n) return false;
  return (p - centsOf(cost)) * RATE_SCALE >= plan.highMarginThreshold * p;
}

/** Commission rate of a line in millionths: base rate, plus the bonus when high-margin. */
export const lineRate = (plan: CommissionPlan, highMargin: boolean): bigint =>
  plan.baseRate + (highMargin ? plan.highMarginBonus : 0n);

/** Line commission in micro-cents (exact; rounded only at the month's end). */
export const lineCommissionMicroCents = (revenueCents: bigint, rateMillionths: bigint): bigint =>
  applyRate(revenueCents, rateMillionths);

/**
 * Attainment as millionths (revenue / target), rounded half away from zero for display; none
 * when there is no target or it is ≤ 0.
 */
export function attainmentMillionths(
  revenueCents: bigint,
  targetCents: bigint | undefined,
): bigint | undefined {
  if (targetCents === undefined || targetCents <= 0n) return undefined;
  return divRoundHalfAway(revenueCents * RATE_SCALE, targetCents);
}

/**
 * The month multiplier (millionths) for a revenue and target, comparing revenue × 10⁶ with
 * floor × target exactly (no rounded attainment decides a tier). No target → the lowest tier.
 */
export function multiplierFor(
  plan: CommissionPlan,
  revenueCents: bigint,
  targetCents: bigint | undefined,
): bigint {
  const lowest = plan.tiers[plan.tiers.length - 1]!.multiplier;
  if (targetCents === undefined || targetCents <= 0n) return lowest;
  for (const t of plan.tiers)
    if (revenueCents * RATE_SCALE >= t.minAttainment * targetCents) return t.multiplier;
  return lowest;
}

/** The next tier above the current attainment, if any: its floor and multiplier. */
export function nextTier(
  plan: CommissionPlan,
  revenueCents: bigint,
  targetCents: bigint | undefined,
): { minAttainment: bigint; multiplier: bigint } | undefined {
  if (targetCents === undefined || targetCents <= 0n) return undefined;
  let next: { minAttainment: bigint; multiplier: bigint } | undefined;
  for (const t of plan.tiers) if (revenueCents * RATE_SCALE < t.minAttainment * targetCents) next = t;
  return next;
}

/**
 * Month commission in cents = multiplier × Σ line commissions, rounded once at the end.
 * Roles without commission (gerente) earn 0.
 */
export function monthCommissionCents(
  plan: CommissionPlan,
  sumLineCommissionMicroCents: bigint,
  multiplierMillionths: bigint,
  role: string | undefined,
): bigint {
  if (role !== undefined && plan.noCommissionRoles.includes(role)) return 0n;
  // One rounding only: (micro-cents × millionths) / 10¹² → cents.
  return divRoundHalfAway(sumLineCommissionMicroCents * multiplierMillionths, RATE_SCALE * RATE_SCALE);
}

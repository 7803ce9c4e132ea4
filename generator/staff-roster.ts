/**
 * Who sells in a store on a given day and how likely each is to serve the next shopper: every
 * employed vendedor except on their weekday off (and, for half of them, Sundays), weighted by
 * skill × monthly form (0.75–1.25, one draw per seller-month); the gerente sells too, less
 * (weight × 0.3), and every day.
 */
import { isEmployedOn, type Network } from "./network.ts";
import type { Rng } from "./prng.ts";

const GERENTE_WEIGHT = 0.3;

/** The day's sellers of one store at a time. */
export class StaffRoster {
  private readonly staff: number[][];
  private readonly form: Float64Array;
  private present: number[] = [];
  private cum: number[] = [];
  private total = 0;

  /**
   * @param formRng stream of the monthly form draws
   * @param months number of months of the dataset
   */
  constructor(
    private readonly network: Network,
    formRng: Rng,
    private readonly months: number,
  ) {
    this.staff = network.stores.map(() => []);
    for (const e of network.employees) this.staff[e.storeIndex]?.push(e.index);
    this.form = new Float64Array(network.employees.length * months);
    for (let i = 0; i < this.form.length; i++) this.form[i] = formRng.uniform(0.75, 1.25);
  }

  /**
   * Sets the store and day; false when nobody can sell.
   *
   * @param month month offset from the dataset's first month
   */
  open(store: number, day: number, weekday: number, month: number): boolean {
    this.present = [];
    this.cum = [];
    this.total = 0;
    for (const ei of this.staff[store] ?? []) {
      const e = this.network.employees[ei];
      if (!e || !isEmployedOn(e, day)) continue;
      const works = e.role === "gerente" || (weekday !== e.dayOff && (weekday !== 0 || e.worksSunday));
      if (!works) continue;
      this.total +=
        e.skill *
        (this.form[ei * this.months + month] as number) *
        (e.role === "gerente" ? GERENTE_WEIGHT : 1);
      this.present.push(ei);
      this.cum.push(this.total);
    }
    return this.present.length > 0;
  }

  /** A seller (employee index) for the next basket. */
  pick(rng: Rng): number {
    const x = rng.next() * this.total;
    let j = 0;
    while (j < this.present.length - 1 && (this.cum[j] as number) <= x) j++;
    return this.present[j] as number;
  }
}

/**
 * The store network and its people: stores with region, diretoria, inauguration date and size;
 * per store one gerente and a fixed number of vendedor positions, each position a succession of
 * employees (people leave — turnover is high — and are replaced a few weeks later by a new hire).
 */
import { randomCpf } from "./cpf.ts";
import { FIRST_NAMES, SURNAMES } from "./br-names.ts";
import { epochDay } from "./civil-date.ts";
import type { Rng } from "./prng.ts";

/** A store. */
export interface Store {
  readonly index: number;
  /** `nome_loja` = `cod_loja` = `store_id`, digits only (101, 102, …). */
  readonly code: string;
  readonly regiao: string;
  readonly diretoria: string;
  readonly inauguration: number;
  /** Relative size (expected sales). */
  readonly size: number;
  /** Weekday (0–6) of the weekly delivery. */
  readonly deliveryWeekday: number;
}

/** An employee. */
export interface Employee {
  readonly index: number;
  /** `id_employee` = `cod_vendedor`, digits only (10001, 10002, …). */
  readonly id: string;
  readonly name: string;
  readonly surname: string;
  readonly cpf: string;
  readonly role: "vendedor" | "gerente";
  readonly start: number;
  /** Last working day, or null when still employed at the end of the dataset. */
  readonly end: number | null;
  readonly storeIndex: number;
  /** Relative selling ability (0.7–1.3). */
  readonly skill: number;
  /** Weekday off (1–5, Monday–Friday); the gerente has none. */
  readonly dayOff: number;
  readonly worksSunday: boolean;
}

/** Stores and employees. */
export interface Network {
  readonly stores: readonly Store[];
  readonly employees: readonly Employee[];
}

const REGIONS: readonly { regiao: string; weight: number; diretorias: readonly string[] }[] = [
  {
    regiao: "Sudeste",
    weight: 45,
    diretorias: ["Diretoria São Paulo", "Diretoria São Paulo", "Diretoria Rio e Minas"],
  },
  { regiao: "Sul", weight: 15, diretorias: ["Diretoria Sul"] },
  { regiao: "Nordeste", weight: 20, diretorias: ["Diretoria Nordeste"] },
  { regiao: "Centro-Oeste", weight: 12, diretorias: ["Diretoria Centro-Norte"] },
  { regiao: "Norte", weight: 8, diretorias: ["Diretoria Centro-Norte"] },
];

/** Options of the network. */
export interface NetworkOptions {
  readonly stores: number;
  readonly sellersPerStore: number;
  readonly firstDay: number;
  readonly lastDay: number;
}

const FIRST_STORE_CODE = 101;
const FIRST_EMPLOYEE_ID = 10_001;
const MEAN_TENURE_DAYS = 600;

/** Builds stores and employees. */
export function buildNetwork(rng: Rng, o: NetworkOptions): Network {
  // Stores per region in proportion to the weights (largest remainders), each region at least
  // once when there are enough stores; then shuffled over the store codes.
  const total = REGIONS.reduce((a, r) => a + r.weight, 0);
  const quotas = REGIONS.map((r) => (o.stores * r.weight) / total);
  const counts = quotas.map((q) => (o.stores >= REGIONS.length ? Math.max(1, Math.floor(q)) : Math.floor(q)));
  const deficit = (i: number): number => (quotas[i] ?? 0) - (counts[i] ?? 0);
  const byRemainder = quotas.map((_, i) => i).sort((a, b) => deficit(b) - deficit(a) || a - b);
  for (let k = 0; counts.reduce((a, b) => a + b, 0) < o.stores; k++) {
    const i = byRemainder[k % byRemainder.length] ?? 0;
    counts[i] = (counts[i] ?? 0) + 1;
  }
  for (
    let k = REGIONS.length - 1;
    counts.reduce((a, b) => a + b, 0) > o.stores;
    k = (k + REGIONS.length - 1) % REGIONS.length
  )
    if ((counts[k] ?? 0) > 1) counts[k] = (counts[k] ?? 0) - 1;
  const regionIndices = counts.flatMap((c, i) => Array.from({ length: c }, () => i));
  rng.shuffle(regionIndices);
  const span = o.lastDay - o.firstDay;
  const openingInside = new Set<number>();
  if (o.stores >= 4 && span >= 150) {
    const n = Math.max(1, Math.floor(o.stores / 8));
    while (openingInside.size < n) openingInside.add(rng.int(o.stores));
  }
  const oldest = epochDay(2008, 1, 1);
  const stores: Store[] = regionIndices.map((r, index) => {
    const region = REGIONS[r] ?? REGIONS[0]!;
    const latest = o.firstDay - 365;
    const inauguration = openingInside.has(index)
      ? rng.range(o.firstDay + 30, o.lastDay - 90)
      : latest > oldest
        ? rng.range(oldest, latest)
        : latest - rng.range(0, 3000);
    return {
      index,
      code: String(FIRST_STORE_CODE + index),
      regiao: region.regiao,
      diretoria: rng.pick(region.diretorias),
      inauguration,
      size: Math.min(2.2, Math.max(0.5, Math.exp(0.35 * rng.normal()))),
      deliveryWeekday: rng.range(1, 5),
    };
  });

  type Draft = Omit<Employee, "index" | "id">;
  const cpfs = new Set<string>();
  const person = (): Pick<Draft, "name" | "surname" | "cpf"> => {
    const name = rng.pick(FIRST_NAMES);
    const surname = rng.chance(0.5) ? `${rng.pick(SURNAMES)} ${rng.pick(SURNAMES)}` : rng.pick(SURNAMES);
    let cpf = randomCpf(rng);
    while (cpfs.has(cpf)) cpf = randomCpf(rng);
    cpfs.add(cpf);
    return { name, surname, cpf };
  };
  const tenure = (): number => Math.max(60, Math.round(-MEAN_TENURE_DAYS * Math.log(1 - rng.next())));
  const initial: Draft[] = [];
  const later: Draft[] = [];
  for (const s of stores) {
    const opensInside = s.inauguration > o.firstDay;
    initial.push({
      ...person(),
      role: "gerente",
      start: opensInside
        ? s.inauguration - rng.range(10, 30)
        : Math.max(s.inauguration - 30, o.firstDay - rng.range(30, 2000)),
      end: null,
      storeIndex: s.index,
      skill: rng.uniform(0.8, 1.1),
      dayOff: 0,
      worksSunday: true,
    });
    for (let pos = 0; pos < o.sellersPerStore; pos++) {
      const skill = (): number => rng.uniform(0.7, 1.3);
      const dayOff = rng.range(1, 5);
      const worksSunday = pos % 2 === 0;
      let start = opensInside
        ? s.inauguration - rng.range(0, 20)
        : o.firstDay - rng.range(0, Math.min(4 * 365, o.firstDay - s.inauguration));
      let end = (opensInside ? start : o.firstDay) + tenure();
      let first = true;
      for (;;) {
        const closed = end < o.lastDay ? end : null;
        const draft: Draft = {
          ...person(),
          role: "vendedor",
          start,
          end: closed,
          storeIndex: s.index,
          skill: skill(),
          dayOff,
          worksSunday,
        };
        (first ? initial : later).push(draft);
        first = false;
        if (closed === null) break;
        start = closed + rng.range(7, 45);
        if (start > o.lastDay) break;
        end = start + tenure();
      }
    }
  }
  later.sort((a, b) => a.start - b.start || a.storeIndex - b.storeIndex);
  const employees = [...initial, ...later].map((d, index) => ({
    ...d,
    index,
    id: String(FIRST_EMPLOYEE_ID + index),
  }));
  return { stores, employees };
}

/** True when the employee works for the store on that day (hired, not yet left). */
export const isEmployedOn = (e: Employee, day: number): boolean =>
  e.start <= day && (e.end === null || day <= e.end);

/**
 * Malformed rows mixed into the files with `--dirty-rate`, one class per row, so that every
 * reject reason of DESIGN §5 is exercised. Each dirty row is otherwise valid and carries a fresh
 * identity (a `cod_transacao` from 9000000001 up, never used by clean rows), so exactly one
 * reason applies; `duplicate` rows are exact copies of a recent clean line of the same file.
 *
 * `bad_quoting` rows hold ONE stray `"` inside an unquoted field (`…,101,90000"00007,1,…`):
 * csv-parse 6 with `relax_quotes: false` reports `INVALID_OPENING_QUOTE` on that line only (one
 * error per row, with `skip_records_with_error` the next line parses normally), unlike an
 * unterminated quoted field, which swallows the rest of the file.
 */
import { corruptCpf, randomCpf } from "./cpf.ts";
import type { Rng } from "./prng.ts";
import type { TransactionDirtyClass } from "./summary.ts";

/** Deals classes in shuffled rounds, so each class gets the same share (±1). */
export class DirtyDeck<C> {
  private deck: C[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly classes: readonly C[],
  ) {}

  /** The next class. */
  next(): C {
    if (this.deck.length === 0) this.deck = this.rng.shuffle([...this.classes]);
    return this.deck.pop() as C;
  }
}

/** The fields of the clean line a dirty transaction row is modelled on. */
export interface TransactionTemplate {
  readonly data: string;
  readonly seller: string;
  readonly store: string;
  readonly qty: string;
  readonly prod: string;
  readonly price: string;
}

/** First `cod_transacao` of dirty rows (clean ones stay far below). */
export const DIRTY_TXN_BASE = 9_000_000_000;

/**
 * One dirty transaction line (with its line break).
 *
 * @param txn fresh `cod_transacao` for this row
 * @param recent recent clean lines of the same file (for `duplicate`), non-empty
 */
export function dirtyTransaction(
  rng: Rng,
  cls: TransactionDirtyClass,
  t: TransactionTemplate,
  txn: string,
  recent: readonly string[],
): string {
  const f = [t.data, t.seller, t.store, txn, t.qty, t.prod, t.price];
  const y = t.data.slice(0, 4);
  const mm = t.data.slice(5, 7);
  const dd = t.data.slice(8, 10);
  switch (cls) {
    case "column_count": {
      const v = rng.int(3);
      if (v === 0) f.pop();
      else f.push(v === 1 ? "troca" : "");
      break;
    }
    case "bad_quoting":
      f[3] = `${txn.slice(0, 5)}"${txn.slice(5)}`;
      break;
    case "missing_field":
      f[rng.int(7)] = "";
      break;
    case "not_numeric": {
      const [reais = "0", cents = "00"] = t.price.split(".");
      const forms = [
        () => (f[1] = `V${t.seller}`),
        () => (f[2] = `L${t.store}`),
        () => (f[3] = `${txn}A`),
        () => (f[4] = rng.chance(0.5) ? "um" : "1.5"),
        () => (f[5] = `${t.prod.slice(0, 2)}O${t.prod.slice(3)}`),
        () => (f[6] = `"${reais},${cents}"`),
        () => (f[6] = `R$ ${t.price}`),
      ];
      rng.pick(forms)();
      break;
    }
    case "quantity_out_of_range":
      f[4] = rng.pick(["0", "1001", "-1001", "2500"]);
      break;
    case "price_out_of_range":
      f[6] = rng.pick(["0.00", `-${t.price}`, "100000.01", "149999.90"]);
      break;
    case "bad_date":
      f[0] = rng.pick([
        `${y}-13-${dd} 10:15:00`,
        `${y}-02-30 11:00:00`,
        `${dd}/${mm}/${y} 14:03:00`,
        `${y}-${mm}-${dd} 25:10:00`,
        "ontem",
      ]);
      break;
    case "date_out_of_range":
      f[0] = rng.pick([
        "1999-12-31 23:59:59",
        "1970-01-01 00:00:00",
        "2099-03-01 10:00:00",
        `2999-${mm}-${dd} 12:00:00`,
      ]);
      break;
    case "duplicate":
      return rng.pick(recent);
  }
  return `${f.join(",")}\n`;
}

/**
 * Where to insert `count` dirty rows among `rows` clean rows: a sorted list of indices of the
 * clean row each dirty row follows (0-based; repeats allowed).
 */
export function dirtyPositions(rng: Rng, rows: number, count: number): number[] {
  const out = Array.from({ length: count }, () => rng.int(Math.max(1, rows)));
  return out.sort((a, b) => a - b);
}

/** Number of dirty rows in a reference file of `rows` rows: a few, 0 when the rate is 0. */
export const referenceDirtyCount = (rate: number, rows: number): number =>
  rate <= 0 || rows === 0 ? 0 : Math.min(25, Math.max(1, Math.round(rate * rows)));

/** A dirty `employee_final` row (fresh id): bad CPF, or bad status or role value. */
export function dirtyEmployee(
  rng: Rng,
  cls: "bad_cpf" | "bad_value",
  id: string,
  like: readonly string[],
): readonly string[] {
  const row = [...like];
  row[0] = id;
  row[3] = randomCpf(rng);
  if (cls === "bad_cpf") row[3] = corruptCpf(row[3]);
  else if (rng.chance(0.5)) row[4] = rng.pick(["inativo", "afastado", "desligado"]);
  else row[5] = rng.pick(["caixa", "estoquista", "supervisor"]);
  return row;
}

/** A month in a wrong format (for `bad_month` rows), from a valid `MM/YYYY`. */
export function badMonth(rng: Rng, month: string): string {
  const [mm = "01", yyyy = "2024"] = month.split("/");
  return rng.pick([`${yyyy}-${mm}`, `13/${yyyy}`, `00/${yyyy}`, `${mm}-${yyyy}`, `${mm}/${yyyy.slice(2)}`]);
}

/** A non-numeric money value (for `not_numeric` rows), from a valid `123.45`. */
export function badMoney(rng: Rng, money: string): string {
  return rng.pick([money.replace(".", ","), `R$ ${money}`, "n/d", `${money}0.1`]);
}

/** First `id_employee` of dirty employee rows (clean ids stay far below). */
export const DIRTY_EMPLOYEE_BASE = 990_001;

/**
 * Dirty rows of a reference file (a few, by `referenceDirtyCount`): `employee_final` gets
 * `bad_cpf` and `bad_value` (status or role) rows with fresh ids; the target files get `bad_month`
 * copies of real rows; `sku_price` / `sku_cost` get `not_numeric` money. Other files get none.
 */
export function referenceDirtyRows(
  rng: Rng,
  file: string,
  rows: readonly (readonly string[])[],
  rate: number,
): { after: number; cls: "bad_cpf" | "bad_value" | "bad_month" | "not_numeric"; row: readonly string[] }[] {
  const count = referenceDirtyCount(rate, rows.length);
  if (count === 0) return [];
  const positions = dirtyPositions(rng, rows.length, count);
  const like = (): string[] => [...(rows[rng.int(rows.length)] ?? [])];
  switch (file) {
    case "employee_final.csv": {
      const deck = new DirtyDeck(rng, ["bad_cpf", "bad_value"] as const);
      return positions.map((after, k) => {
        const cls = deck.next();
        return { after, cls, row: dirtyEmployee(rng, cls, String(DIRTY_EMPLOYEE_BASE + k), like()) };
      });
    }
    case "targets_salesperson_final.csv":
    case "target_store_final.csv": {
      const monthColumn = file === "target_store_final.csv" ? 0 : 2;
      return positions.map((after) => {
        const row = like();
        row[monthColumn] = badMonth(rng, row[monthColumn] ?? "01/2024");
        return { after, cls: "bad_month" as const, row };
      });
    }
    case "sku_price.csv":
    case "sku_cost.csv":
      return positions.map((after) => {
        const row = like();
        row[3] = badMoney(rng, row[3] ?? "10.00");
        return { after, cls: "not_numeric" as const, row };
      });
    default:
      return [];
  }
}

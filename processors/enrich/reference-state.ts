/**
 * Reference data the enrichment needs, built from the raw reference topics in arrival order
 * (DESIGN §6): the later row wins for an employee and for a seller's or store's month target;
 * cost and list-price periods keep every row with its arrival order, and the period applying at
 * a date is picked by `valueAt` (latest start wins, equal starts: the later row).
 *
 * Pure and in memory: reference data is small (thousands of rows), every processor instance
 * holds all of it, and it is rebuilt from the topics (kept forever) after a restart.
 */
import type {
  RawEmployee,
  RawProduct,
  RawProductCost,
  RawProductPrice,
  RawSellerTarget,
  RawStore,
  RawStoreTarget,
} from "../../schemas/raw-records.ts";
import { centsOf } from "../domain/money.ts";
import { valueAt, type Period } from "../domain/periods.ts";

export type ReferenceRecord =
  | { kind: "employees"; row: RawEmployee }
  | { kind: "stores"; row: RawStore }
  | { kind: "sku_dataset"; row: RawProduct }
  | { kind: "sku_cost"; row: RawProductCost }
  | { kind: "sku_price"; row: RawProductPrice }
  | { kind: "targets_salesperson"; row: RawSellerTarget }
  | { kind: "targets_store"; row: RawStoreTarget };

export class ReferenceState {
  private readonly employees = new Map<string, RawEmployee>();
  private readonly stores = new Map<string, RawStore>();
  private readonly products = new Map<string, RawProduct>();
  private readonly costs = new Map<string, Period<string>[]>();
  private readonly prices = new Map<string, Period<string>[]>();
  private readonly sellerTargets = new Map<string, bigint>();
  private readonly storeTargets = new Map<string, bigint>();
  private seq = 0;

  /** Applies one reference row; call in arrival (topic offset) order. */
  apply(r: ReferenceRecord): void {
    const seq = ++this.seq;
    switch (r.kind) {
      case "employees":
        this.employees.set(r.row.id_employee, r.row);
        break;
      case "stores":
        this.stores.set(r.row.nome_loja, r.row);
        break;
      case "sku_dataset":
        this.products.set(r.row.cod_prod, r.row);
        break;
      case "sku_cost":
        push(this.costs, r.row.cod_prod, {
          start: r.row.data_inicio,
          end: r.row.data_fim,
          value: r.row.custo,
          seq,
        });
        break;
      case "sku_price":
        push(this.prices, r.row.cod_prod, {
          start: r.row.data_inicio,
          end: r.row.data_fim,
          value: r.row.preco,
          seq,
        });
        break;
      case "targets_salesperson":
        this.sellerTargets.set(`${r.row.id_employee}|${r.row.month}`, centsOf(r.row.sales_target));
        break;
      case "targets_store":
        this.storeTargets.set(`${r.row.store_id}|${r.row.month}`, centsOf(r.row.sales_target));
        break;
    }
  }

  /** The employee row of a seller id, if known. */
  employee(id: string): RawEmployee | undefined {
    return this.employees.get(id);
  }

  store(id: string): RawStore | undefined {
    return this.stores.get(id);
  }

  product(id: string): RawProduct | undefined {
    return this.products.get(id);
  }

  /** Cost (decimal text) of a product at a date, if a cost period applies. */
  costAt(productId: string, date: string): string | undefined {
    return valueAt(this.costs.get(productId) ?? [], date);
  }

  /** List price (decimal text) of a product at a date, if a price period applies. */
  priceAt(productId: string, date: string): string | undefined {
    return valueAt(this.prices.get(productId) ?? [], date);
  }

  /** A seller's target for a month `YYYY-MM`, in cents. */
  sellerTarget(sellerId: string, month: string): bigint | undefined {
    return this.sellerTargets.get(`${sellerId}|${month}`);
  }

  /** A store's target for a month `YYYY-MM`, in cents. */
  storeTarget(storeId: string, month: string): bigint | undefined {
    return this.storeTargets.get(`${storeId}|${month}`);
  }
}

function push<V>(m: Map<string, Period<V>[]>, key: string, p: Period<V>): void {
  const list = m.get(key);
  if (list) list.push(p);
  else m.set(key, [p]);
}

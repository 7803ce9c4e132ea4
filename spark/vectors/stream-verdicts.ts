/**
 * What the STREAM's real functions make of a golden vector (tests/vectors/ingest.json): the
 * connector's csvRows → headerMatches / validateRow, then the processor's normalizeSale →
 * enrichSale → toSilverRow with reference state built by ReferenceState from the vector's
 * reference rows (validated by the connector first). The Spark job's pytest reads the same JSON.
 */
import { Readable } from "node:stream";
import { csvRows, type CsvRow } from "../../connectors/s3-source/csv-rows.ts";
import { FILE_KINDS, kindOf, type FileKind } from "../../connectors/s3-source/contract/file-kinds.ts";
import { LocalTimeConverter } from "../../connectors/s3-source/contract/field-rules.ts";
import { cpfPseudonymizer } from "../../connectors/s3-source/pseudonymize.ts";
import { headerMatches, validateRow } from "../../connectors/s3-source/validate-row.ts";
import type { RawTransaction } from "../../schemas/raw-records.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import { enrichSale } from "../../processors/enrich/enrich-sale.ts";
import { ReferenceState, type ReferenceRecord } from "../../processors/enrich/reference-state.ts";
import { normalizeSale } from "../../processors/normalize/normalize-sale.ts";
import { toSilverRow } from "../../processors/pipeline/silver-row.ts";

export const VECTOR_PSEUDONYM_SECRET = "vectors-pseudonym-secret-0123456789abcdef";

export interface IngestVectors {
  readonly zone: string;
  readonly now: string;
  readonly reference: Readonly<Record<string, readonly string[]>>;
  readonly cases: readonly { name: string; kind: string; line: string; expect?: unknown }[];
  readonly files: readonly { name: string; key: string; lines: readonly string[]; expect?: unknown }[];
}

export type Verdict =
  | { readonly reason: string }
  | { readonly record: Record<string, unknown> }
  | { readonly silver: Record<string, unknown> };

const kindNamed = (name: string): FileKind => {
  const k = FILE_KINDS.find((x) => x.kind === name);
  if (!k) throw new Error(`no file kind ${name}`);
  return k;
};

/** The rows csvRows reads from a file's lines (header first). */
async function rowsOf(lines: readonly string[], delimiter: string): Promise<CsvRow[]> {
  const out: CsvRow[] = [];
  for await (const batch of csvRows(Readable.from([lines.join("\n") + "\n"]), { delimiter }))
    out.push(...batch);
  return out;
}

export async function streamVerdicts(v: IngestVectors): Promise<{ cases: Verdict[]; files: unknown[] }> {
  const ctx = {
    tz: new LocalTimeConverter(v.zone),
    nowMs: Date.parse(v.now),
    pseudonymize: cpfPseudonymizer(VECTOR_PSEUDONYM_SECRET),
  };
  const state = new ReferenceState();
  for (const [kindName, lines] of Object.entries(v.reference)) {
    const kind = kindNamed(kindName);
    for (const row of (await rowsOf([kind.columns.join(kind.delimiter), ...lines], kind.delimiter)).slice(
      1,
    )) {
      const out = validateRow("reference.csv", kind, row, ctx);
      if (!out.ok) throw new Error(`reference row rejected: ${row.raw}: ${out.deadLetter.reason}`);
      state.apply({ kind: kindName, row: out.record } as unknown as ReferenceRecord);
    }
  }
  const cases: Verdict[] = [];
  for (const c of v.cases) {
    const kind = kindNamed(c.kind);
    const rows = await rowsOf([kind.columns.join(kind.delimiter), c.line], kind.delimiter);
    const row = rows[1];
    if (!row) throw new Error(`case ${c.name}: no data row`);
    const out = validateRow(`incoming/vectors/${c.kind}.csv`, kind, row, ctx);
    if (!out.ok) {
      cases.push({ reason: out.deadLetter.reason });
      continue;
    }
    const { source_file: _f, source_line: _l, ...record } = out.record;
    if (c.kind !== "transactions") {
      cases.push({ record });
      continue;
    }
    const enriched = enrichSale(
      normalizeSale(out.record as unknown as RawTransaction, v.zone),
      state,
      DEFAULT_PLAN,
    );
    const {
      _topic: _t,
      _partition: _p,
      _offset: _o,
      source_file: _sf,
      source_line: _sl,
      rejection: _r,
      pair_partners: _pp,
      ...silver
    } = toSilverRow(enriched, { topic: "vectors", partition: 0, offset: 0 });
    cases.push({
      silver: {
        ...silver,
        cost_cents: enriched.costCents === undefined ? null : Number(enriched.costCents),
        unknown_product: enriched.unknown.product,
        unknown_seller: enriched.unknown.seller,
        unknown_store: enriched.unknown.store,
      },
    });
  }
  const files: unknown[] = [];
  for (const f of v.files) {
    const kind = kindOf(f.key);
    const out: unknown[] = [];
    let headerOk = true;
    for (const row of await rowsOf(f.lines, kind?.delimiter ?? ",")) {
      if (row.line === 1) {
        headerOk = kind !== undefined && row.fields !== undefined && headerMatches(kind, row.fields);
        continue;
      }
      if (!kind) out.push({ line: row.line, reason: "unknown_file", raw: row.raw });
      else if (!headerOk) out.push({ line: row.line, reason: "bad_header", raw: row.raw });
      else {
        const r = validateRow(f.key, kind, row, ctx);
        out.push(
          r.ok
            ? { line: row.line, accepted: true }
            : { line: row.line, reason: r.deadLetter.reason, raw: r.deadLetter.raw },
        );
      }
    }
    files.push(out);
  }
  return { cases, files };
}

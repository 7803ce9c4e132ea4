/**
 * The reference sink on the real stack: partner reference files → connector → raw.* topics →
 * sink → ClickHouse `ref_*` tables, every row once; a replay by a consumer group that lost its
 * offsets adds nothing; the figures module reads the tables with the later row winning.
 */
import { resolve } from "node:path";
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../../connectors/s3-source/source.ts";
import { createClickHouse, exec, queryRows } from "../../lib/clickhouse/clickhouse-client.ts";
import { migrate } from "../../lib/clickhouse/migrate.ts";
import { ident, sql } from "../../lib/clickhouse/sql.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { REPO_ROOT } from "../../lib/paths.ts";
import { DEFAULT_PLAN } from "../../processors/domain/commission-plan.ts";
import {
  REFERENCE_TABLES,
  type ReferenceTopicKey,
} from "../../processors/reference-sink/reference-tables.ts";
import { startReferenceSink } from "../../processors/reference-sink/reference-sink.ts";
import { createFigures } from "../../sql/figures/index.ts";
import { deleteTopicsUnder, isolatedConfig } from "../helpers/isolated-stack.ts";
import { committedOffsets } from "../setup/read-topic.ts";
import { uniqueName } from "../setup/test-config.ts";

const FILES: Record<string, string> = {
  "store_final.csv":
    "nome_loja,regiao,diretoria,data_inauguracao\n101,Sul,D1,2019-01-01\n102,Norte,D2,2020-03-01\n",
  "employee_final_1.csv":
    "id_employee,name,surname,cpf,status,role,initial_date,end_date,store_id\n" +
    "10001,Ana,Lima,529.982.247-25,ativo,vendedor,2020-01-01,,101\n" +
    "10002,Bruno,Reis,111.444.777-35,ativo,vendedor,2021-01-01,,102\n",
  "employee_final_2.csv":
    "id_employee,name,surname,cpf,status,role,initial_date,end_date,store_id\n" +
    "10001,Ana,Lima,529.982.247-25,ativo,gerente,2020-01-01,,102\n",
  "sku_dataset.csv":
    "cod_prod;nome_abrev;nome_completo;descricao;categoria;sub_categoria;marca;conteudo_valor;conteudo_medida\n" +
    "9;Batom;Batom Vermelho;Batom matte;Maquiagem;Lábios;Marca;3.5;g\n" +
    "10;Rímel;Rímel Preto;Máscara;Maquiagem;Olhos;Marca;8;ml\n",
  "sku_status_dataset.csv": "cod_prod;data_inicio;data_fim\n9;2024-01-01;\n10;2024-01-01;2024-03-31\n",
  "sku_price.csv":
    "cod_prod,data_inicio,data_fim,preco\n9,2024-01-01,,59.90\n9,2024-06-01,2024-06-30,49.90\n10,2024-01-01,,12.5\n",
  "sku_cost.csv": "cod_prod,data_inicio,data_fim,custo\n9,2024-01-01,,20.00\n10,2024-01-01,,10.00\n",
  "targets_salesperson_final.csv":
    "id_employee,sales_target,month\n10001,15000.00,05/2024\n10001,18000.50,05/2024\n",
  "target_store_final.csv": "month,store_id,sales_target\n05/2024,101,90000.00\n",
  "daily_stock.csv": "data,cod_loja,cod_prod,quantidade\n2024-06-01,101,9,12\n2024-06-02,101,9,10\n",
};

/** Rows each silver table must hold: the data lines of its files (none is a dead letter). */
const EXPECTED: Record<ReferenceTopicKey, number> = {
  rawStores: 2,
  rawEmployees: 3,
  rawSkuDataset: 2,
  rawSkuStatus: 2,
  rawSkuPrice: 3,
  rawSkuCost: 2,
  rawTargetsSalesperson: 2,
  rawTargetsStore: 1,
  rawDailyStock: 2,
};

describe("reference sink", () => {
  const config = isolatedConfig("refsink", { clickhouse: true });
  const log = createLogger({ name: "test", level: "error" });
  const deps = connectorDeps(config, log);
  const ch = createClickHouse(config.clickhouse);
  const server = createClickHouse(config.clickhouse, { database: null });

  afterAll(async () => {
    await exec(server, sql`DROP DATABASE IF EXISTS ${ident(config.clickhouse.database)}`);
    await server.close();
    await ch.close();
    deps.s3.destroy();
    await deleteTopicsUnder(deps.kafka);
  });

  const counts = async (): Promise<Record<string, number>> => {
    const out: Record<string, number> = {};
    for (const key of Object.keys(REFERENCE_TABLES) as ReferenceTopicKey[]) {
      const [r] = await queryRows<{ n: string }>(
        ch,
        sql`SELECT count() AS n FROM ${ident(REFERENCE_TABLES[key].table)}`,
      );
      out[key] = Number(r?.n ?? 0);
    }
    return out;
  };
  const until = async (what: string, ok: () => Promise<boolean>, ms = 60_000): Promise<void> => {
    const deadline = Date.now() + ms;
    while (!(await ok())) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  };

  it(
    "writes every reference row once, also when a group without offsets replays",
    { timeout: 180_000 },
    async () => {
      await migrate({ config: config.clickhouse, dir: resolve(REPO_ROOT, "sql/migrations") });
      const prefix = `test/${uniqueName("refsink")}/incoming/`;
      for (const [name, body] of Object.entries(FILES))
        await deps.s3.send(
          new PutObjectCommand({ Bucket: config.s3.bucket, Key: prefix + name, Body: body }),
        );
      const source = await S3SourceConnector.create(deps, uniqueName("test-refsink-tx"));
      await source.replay({ prefix });
      await source.close();

      const sinkDeps = { config, kafka: deps.kafka, serde: deps.serde, ch, log };
      const first = await startReferenceSink(sinkDeps, { groupId: "sink-a" });
      try {
        await until("the first sink", async () => {
          const c = await counts();
          return Object.entries(EXPECTED).every(([k, n]) => c[k] === n);
        });
      } finally {
        await first.stop();
      }

      // A group that lost its offsets reads everything again: the watermarks skip it all.
      const second = await startReferenceSink(sinkDeps, { groupId: "sink-b" });
      try {
        const group = deps.kafka.scoped("sink-b");
        await until("the replaying group to commit every topic's end", async () => {
          for (const key of Object.keys(EXPECTED) as ReferenceTopicKey[])
            if ((await committedOffsets(deps.kafka, group, deps.kafka.topics[key])) < EXPECTED[key])
              return false;
          return true;
        });
      } finally {
        await second.stop();
      }
      expect(await counts()).toEqual(EXPECTED);

      // What landed: exact cents, pseudonymized CPF, open periods as NULL, later rows winning.
      const [price] = await queryRows<{ preco_cents: string; data_fim: string | null }>(
        ch,
        sql`SELECT toString(preco_cents) AS preco_cents, data_fim FROM ref_sku_price WHERE cod_prod = '10'`,
      );
      expect(price).toEqual({ preco_cents: "1250", data_fim: null });
      const cpfs = await queryRows<{ cpf_pseudonym: string }>(
        ch,
        sql`SELECT cpf_pseudonym FROM ref_employees`,
      );
      for (const c of cpfs) expect(c.cpf_pseudonym).toMatch(/^[0-9a-f]{64}$/);
      const figures = createFigures({ ch, plan: DEFAULT_PLAN });
      expect(await figures.employee("10001")).toEqual({
        id: "10001",
        name: "Ana Lima",
        role: "gerente",
        status: "ativo",
        storeId: "102",
      });
      const ana = await figures.sellerSummary({ sellerId: "10001", month: "2024-05" });
      expect(ana).toMatchObject({ target: "18000.50", role: "gerente", commission: "0.00", storeId: "102" });
      expect(await figures.promotions({ date: "2024-06-10" })).toMatchObject([
        { codProd: "9", price: "49.90", previousPrice: "59.90", discount: "0.1669" },
      ]);
    },
  );
});

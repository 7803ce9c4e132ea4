/**
 * The reference loader against the real topics: after the connector replays two employee files
 * and a cost file, `catchUp()` sees them applied — the later file wins for an employee, and the
 * cost at a date follows the periods.
 */
import { PutObjectCommand } from "@aws-sdk/client-s3";
import { describe, expect, it } from "vitest";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../../connectors/s3-source/source.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { ReferenceLoader } from "../../processors/enrich/reference-loader.ts";
import { uniqueName } from "../setup/test-config.ts";
import { deleteTopicsUnder, isolatedConfig } from "../helpers/isolated-stack.ts";

describe("ReferenceLoader", () => {
  it("applies every reference row in Kafka before catchUp() returns; later rows win", async () => {
    const config = isolatedConfig("ref");
    const deps = connectorDeps(config, createLogger({ name: "test", level: "error" }));
    const prefix = `test/${uniqueName("ref")}/incoming/`;
    const id = String(7_000_000 + Math.floor(Math.random() * 999_999));
    const prod = String(8_000_000 + Math.floor(Math.random() * 999_999));
    const header = "id_employee,name,surname,cpf,status,role,initial_date,end_date,store_id";
    const put = (name: string, body: string) =>
      deps.s3.send(new PutObjectCommand({ Bucket: config.s3.bucket, Key: prefix + name, Body: body }));
    await put(
      "employee_final_1.csv",
      `${header}\n${id},Ana,Lima,529.982.247-25,ativo,vendedor,2020-01-01,,101\n`,
    );
    await put(
      "employee_final_2.csv",
      `${header}\n${id},Ana,Lima,529.982.247-25,ativo,gerente,2020-01-01,,101\n`,
    );
    await put(
      "sku_cost.csv",
      `cod_prod,data_inicio,data_fim,custo\n${prod},2024-01-01,,40.00\n${prod},2024-05-01,2024-05-31,20.00\n`,
    );

    const admin = deps.kafka.admin();
    await admin.connect();
    const loader = new ReferenceLoader(deps.kafka, admin, deps.serde);
    try {
      await loader.start();
      const source = await S3SourceConnector.create(deps, uniqueName("test-ref-tx"));
      await source.replay({ prefix });
      await source.close();
      await loader.catchUp();
      expect(loader.state.employee(id)?.role).toBe("gerente");
      expect(loader.state.costAt(prod, "2024-05-15")).toBe("20.00");
      expect(loader.state.costAt(prod, "2024-06-01")).toBe("40.00");
      expect(loader.state.costAt(prod, "2023-12-31")).toBeUndefined();
    } finally {
      await loader.stop();
      await admin.disconnect();
      deps.s3.destroy();
      await deleteTopicsUnder(deps.kafka);
    }
  });
});

/**
 * A generated dataset with dirty rows of every class, written straight into the bucket, replayed by
 * the connector: per file accepted + rejected = rows read, and the dead letters per reason equal
 * the generator's own count of the dirty rows it wrote (duplicates excepted: they are valid rows
 * for the stateless connector and are rejected by the stream processor).
 */
import { describe, expect, it } from "vitest";
import { connectorDeps } from "../../connectors/s3-source/connector-deps.ts";
import { S3SourceConnector } from "../../connectors/s3-source/source.ts";
import { generateDataset } from "../../generator/generate-dataset.ts";
import { createS3Sink } from "../../generator/s3-sink.ts";
import { createLogger } from "../../lib/log/logger.ts";
import { uniqueName } from "../setup/test-config.ts";
import { deleteTopicsUnder, isolatedConfig } from "../helpers/isolated-stack.ts";

describe("generated dataset → S3 source", () => {
  it("dead letters per reason equal the dirty rows the generator wrote", async () => {
    const config = isolatedConfig("gen");
    const deps = connectorDeps(config, createLogger({ name: "test", level: "error" }));
    const prefix = `test/${uniqueName("gen")}/incoming/`;
    const generated = await generateDataset(
      {
        seed: 7,
        from: "2024-04",
        to: "2024-05",
        stores: 3,
        sellersPerStore: 3,
        products: 30,
        lines: 6000,
        dirtyRate: 0.05,
      },
      createS3Sink(deps.s3, config.s3.bucket, prefix),
    );
    const source = await S3SourceConnector.create(deps, uniqueName("test-gen-tx"));
    const replay = await source.replay({ prefix });
    await source.close();
    deps.s3.destroy();
    await deleteTopicsUnder(deps.kafka);

    expect(replay.files).toHaveLength(generated.files.length);
    for (const file of generated.files) {
      const got = replay.files.find((f) => f.key === prefix + file.name);
      expect(got, file.name).toBeDefined();
      const rejected = Object.values(got!.rejected).reduce((a, b) => a + b, 0);
      expect(got!.rowsRead, file.name).toBe(file.dataLines);
      expect(got!.accepted + rejected, file.name).toBe(got!.rowsRead);
      const { duplicate = 0, ...expectedByReason } = file.dirtyByClass;
      expect(got!.rejected, file.name).toEqual(expectedByReason);
      expect(got!.accepted, file.name).toBe(file.cleanLines + duplicate);
    }
    const txFiles = generated.files.filter((f) => f.name.startsWith("transactions"));
    const classes = new Set(txFiles.flatMap((f) => Object.keys(f.dirtyByClass)));
    for (const c of [
      "column_count",
      "bad_quoting",
      "missing_field",
      "not_numeric",
      "quantity_out_of_range",
      "price_out_of_range",
      "bad_date",
      "date_out_of_range",
    ])
      expect(classes.has(c), c).toBe(true);
  });
});

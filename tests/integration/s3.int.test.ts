/** Put, list and get objects in the configured bucket of the real S3-compatible store. */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
} from "@aws-sdk/client-s3";
import { afterAll, describe, expect, it } from "vitest";
import { createS3, ensureBucket } from "../../lib/s3/s3-client.ts";
import { testConfig, uniqueName } from "../setup/test-config.ts";

describe("S3 bucket", () => {
  const config = testConfig();
  const s3 = createS3(config.s3);
  const Bucket = config.s3.bucket;
  const prefix = `test/${uniqueName("s3")}/`;
  const keys: string[] = [];

  afterAll(async () => {
    for (const Key of keys) await s3.send(new DeleteObjectCommand({ Bucket, Key }));
    s3.destroy();
  });

  it("puts, lists and gets objects (UTF-8 content intact)", async () => {
    await ensureBucket(s3, Bucket); // idempotent on an existing bucket
    const body = "data,cod_vendedor,cod_loja\n2024-05-10,V1,L1\n# Pó compacto; ação\n";
    for (const name of ["a/2024.csv", "b/sku_price.csv", "b/sku_cost.csv"]) {
      const Key = prefix + name;
      keys.push(Key);
      await s3.send(
        new PutObjectCommand({ Bucket, Key, Body: body, ContentType: "text/csv; charset=utf-8" }),
      );
    }
    const listed = await s3.send(new ListObjectsV2Command({ Bucket, Prefix: `${prefix}b/`, MaxKeys: 1 }));
    expect(listed.KeyCount).toBe(1);
    expect(listed.IsTruncated).toBe(true);
    const rest = await s3.send(
      new ListObjectsV2Command({
        Bucket,
        Prefix: `${prefix}b/`,
        ContinuationToken: listed.NextContinuationToken,
      }),
    );
    const all = [...(listed.Contents ?? []), ...(rest.Contents ?? [])].map((o) => o.Key);
    expect(all.sort()).toEqual([`${prefix}b/sku_cost.csv`, `${prefix}b/sku_price.csv`]);

    const got = await s3.send(new GetObjectCommand({ Bucket, Key: `${prefix}a/2024.csv` }));
    expect(await got.Body?.transformToString("utf-8")).toBe(body);
  });
});

/**
 * Uploads the files of a local folder into the bucket under a prefix, streaming each file
 * (multipart for large ones), in name order.
 *
 * @example
 *   await uploadDir(s3, "vitrine", "./data/2024", "incoming/2024/");
 */
import { createReadStream, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import type { S3Client } from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";

/** @returns the keys written */
export async function uploadDir(
  s3: S3Client,
  bucket: string,
  dir: string,
  prefix: string,
): Promise<string[]> {
  const keys: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    const Key = prefix + name;
    await new Upload({
      client: s3,
      params: { Bucket: bucket, Key, Body: createReadStream(path), ContentType: "text/csv; charset=utf-8" },
    }).done();
    keys.push(Key);
  }
  return keys;
}

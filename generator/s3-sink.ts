/**
 * A sink that streams generated files straight into an S3 bucket (multipart upload through
 * `@aws-sdk/lib-storage`), so no local disk is needed however large the dataset.
 *
 * @example
 *   const s3 = createS3(config.s3);
 *   await ensureBucket(s3, config.s3.bucket);
 *   const sink = createS3Sink(s3, config.s3.bucket, "incoming/2024/");
 */
import { PassThrough } from "node:stream";
import { Upload } from "@aws-sdk/lib-storage";
import type { S3Client } from "../lib/s3/s3-client.ts";
import type { DatasetSink } from "./sink.ts";

/** Normalizes a key prefix: no leading slash, one trailing slash (empty stays empty). */
export function normalizePrefix(prefix: string): string {
  const p = prefix.replace(/^\/+/, "");
  return p === "" || p.endsWith("/") ? p : `${p}/`;
}

/**
 * Creates the sink.
 *
 * @param s3 client (`createS3`)
 * @param bucket existing bucket (`ensureBucket`)
 * @param prefix key prefix, e.g. `incoming/2024/`
 */
export function createS3Sink(s3: S3Client, bucket: string, prefix: string): DatasetSink {
  const keyPrefix = normalizePrefix(prefix);
  return {
    location: `s3://${bucket}/${keyPrefix}`,
    open(name) {
      const body = new PassThrough({ highWaterMark: 1 << 20 });
      const upload = new Upload({
        client: s3,
        params: {
          Bucket: bucket,
          Key: `${keyPrefix}${name}`,
          Body: body,
          ContentType: "text/csv; charset=utf-8",
        },
        partSize: 8 * 1024 * 1024,
        queueSize: 4,
      });
      const done = upload.done().then(
        () => undefined,
        (err: unknown) => {
          // Unblock a writer waiting for 'drain' on a stream nobody reads any more.
          body.destroy(err instanceof Error ? err : new Error(String(err)));
          throw err;
        },
      );
      done.catch(() => undefined);
      return {
        stream: body,
        done,
        abort: async () => {
          await upload.abort().catch(() => undefined);
          body.destroy();
        },
      };
    },
  };
}

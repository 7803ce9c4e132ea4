/**
 * S3 client factory (`@aws-sdk/client-s3`) for AWS S3 or any S3-compatible store (the local
 * S3Proxy): path-style addressing when an endpoint is given, checksums only when required so
 * that stores without the newer CRC headers work.
 *
 * @example
 *   const s3 = createS3(config.s3);
 *   await ensureBucket(s3, config.s3.bucket);
 */
import { CreateBucketCommand, HeadBucketCommand, S3Client } from "@aws-sdk/client-s3";
import type { Config } from "../config/config.ts";

export { S3Client } from "@aws-sdk/client-s3";

/**
 * Creates a client.
 *
 * @param cfg endpoint (undefined = AWS), region and credentials
 */
export function createS3(cfg: Config["s3"]): S3Client {
  // The SDK warns on every process that Node 20 support ends in 2027; the version is pinned in the
  // lockfile and the move to Node 22 is tracked in the README, so the warning is noise in our logs.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  return new S3Client({
    region: cfg.region,
    ...(cfg.endpoint ? { endpoint: cfg.endpoint, forcePathStyle: true } : {}),
    credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
    maxAttempts: 3,
  });
}

/**
 * Creates the bucket unless it exists (idempotent).
 *
 * @param s3 client
 * @param bucket bucket name
 */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return;
  } catch (err) {
    const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw err;
  }
  try {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (err) {
    const name = (err as { name?: string }).name;
    if (name !== "BucketAlreadyOwnedByYou" && name !== "BucketAlreadyExists") throw err;
  }
}

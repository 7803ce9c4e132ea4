/**
 * Runs the PySpark job (`spark/vitrine_backfill/job.py`) as a child process: the job description
 * (with secrets) goes on stdin, never on the command line; the job's JSON event lines come back on
 * stdout and are handed to `onEvent`; Spark's log (stderr) is kept for the error message.
 */
import { spawn } from "node:child_process";
import { SPARK_DIR, type SparkRuntime } from "./spark-env.ts";

export interface SparkJob {
  readonly master?: string;
  readonly driverMemory?: string;
  readonly executorMemory?: string;
  readonly shufflePartitions?: number;
  /** Staging INSERT streams (one per basket partition); default: one per ~32 MiB of transactions, at least 4. */
  readonly insertPartitions?: number;
  readonly ivyDir: string;
  readonly zone: string;
  readonly nowMs: number;
  readonly pseudonymSecret: string;
  readonly prefix: string;
  readonly fromMonth: string;
  readonly toMonth: string;
  readonly deadLetterPath?: string;
  /** The commission plan, rates as integer millionths (CommissionPlan). */
  readonly plan: {
    readonly version: number;
    readonly baseRate: number;
    readonly highMarginThreshold: number;
    readonly highMarginBonus: number;
  };
  readonly s3: {
    readonly endpoint?: string;
    readonly region: string;
    readonly bucket: string;
    readonly accessKeyId: string;
    readonly secretAccessKey: string;
  };
  readonly clickhouse: {
    readonly url: string;
    readonly user: string;
    readonly password: string;
    readonly database: string;
  };
}

export interface MonthCounts {
  readonly accepted: number;
  readonly duplicate: number;
}

export interface JobSummary {
  readonly files: number;
  readonly rowsRead: number;
  readonly transactionRows: number;
  readonly acceptedByKind: Readonly<Record<string, number>>;
  readonly deadLetters: Readonly<Record<string, number>>;
  readonly months: Readonly<Record<string, MonthCounts>>;
  readonly ms: number;
}

export type JobEvent = { readonly event: string } & Readonly<Record<string, unknown>>;

/** Runs the job to its end; rejects with the tail of Spark's log when it fails. */
export function runSparkJob(
  runtime: SparkRuntime,
  job: SparkJob,
  onEvent: (e: JobEvent) => void = () => {},
): Promise<JobSummary> {
  return new Promise((done, fail) => {
    const child = spawn(runtime.python, ["-m", "vitrine_backfill.job"], {
      cwd: SPARK_DIR,
      env: { ...process.env, PYSPARK_PYTHON: runtime.python, PYSPARK_DRIVER_PYTHON: runtime.python },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let summary: JobSummary | undefined;
    let rest = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => {
      rest += d.toString();
      let nl: number;
      while ((nl = rest.indexOf("\n")) !== -1) {
        const line = rest.slice(0, nl).trim();
        rest = rest.slice(nl + 1);
        if (!line.startsWith("{")) continue;
        const e = JSON.parse(line) as JobEvent;
        if (e.event === "summary") summary = e as unknown as JobSummary;
        else onEvent(e);
      }
    });
    child.stderr.on("data", (d: Buffer) => {
      err = (err + d.toString()).slice(-20_000);
    });
    child.on("error", fail);
    child.on("close", (code) => {
      if (code === 0 && summary) return done(summary);
      const tail = err
        .split("\n")
        .filter((l) => !/^\s*$/.test(l))
        .slice(-25)
        .join("\n");
      fail(new Error(`Spark job exited with ${code}:\n${tail}`));
    });
    child.stdin.end(JSON.stringify(job));
  });
}

/**
 * Base error of Vitrine: every error carries a stable machine code (`VT_ERR_<AREA>_<WHAT>`),
 * a human message, an HTTP status for the API and a `retriable` flag for retry helpers.
 *
 * @example
 *   throw new VitrineError(VT_ERR_CONFIG_INVALID, "KAFKA_BROKERS: required", { cause: err });
 */
export interface ErrorSpec {
  readonly code: string;
  readonly status: number;
  readonly retriable: boolean;
  /** One line saying what this error means (documented in docs/errors.md). */
  readonly meaning: string;
}

export class VitrineError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retriable: boolean;

  constructor(spec: ErrorSpec, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "VitrineError";
    this.code = spec.code;
    this.status = spec.status;
    this.retriable = spec.retriable;
  }
}

/**
 * Declares an error code once, with its status and retriability.
 *
 * @param code `VT_ERR_<AREA>_<WHAT>`
 * @param meaning what the error means, for docs/errors.md
 */
export const defineError = (
  code: string,
  meaning: string,
  opts: { status?: number; retriable?: boolean } = {},
): ErrorSpec => ({ code, meaning, status: opts.status ?? 500, retriable: opts.retriable ?? false });

/** True when `err` is a VitrineError of the given spec. */
export const isError = (err: unknown, spec: ErrorSpec): err is VitrineError =>
  err instanceof VitrineError && err.code === spec.code;

/** Types of `api-client.js` (plain ES module served to the browser), for the unit tests. */
export declare class ApiError extends Error {
  constructor(status: number, code: string, message: string);
  readonly status: number;
  readonly code: string;
}
export declare function createApiClient(
  token: string,
  onUnauthorized: (err: ApiError) => void,
): { get(path: string, query?: Record<string, string | number | undefined>): Promise<unknown> };
export declare function explainError(err: unknown): string;
export declare function listOf(body: unknown, ...keys: string[]): unknown[];

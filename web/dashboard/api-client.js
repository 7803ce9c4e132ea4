// REST reads of the dashboard: `fetch` with the bearer token; errors become an `ApiError` with
// the API's `{ code, message }` and the HTTP status, so the page can say what happened kindly
// (401 → log in again, 403 → not within your rights, 404 → no data yet).

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/**
 * A client bound to one token.
 *
 * @param {string} token
 * @param {(err: ApiError) => void} onUnauthorized called on any 401 (token expired or revoked)
 */
export function createApiClient(token, onUnauthorized) {
  /**
   * GET a JSON resource.
   *
   * @param {string} path e.g. "/api/stores/7/summary"
   * @param {Record<string, string | number | undefined>} [query] undefined values are left out
   */
  async function get(path, query = {}) {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") qs.set(k, String(v));
    const url = qs.size > 0 ? `${path}?${qs}` : path;
    let res;
    try {
      res = await fetch(url, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } });
    } catch {
      throw new ApiError(0, "NETWORK", "Não foi possível falar com a API. Verifique a conexão.");
    }
    let body;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const err = new ApiError(
        res.status,
        body?.code ?? `HTTP_${res.status}`,
        body?.message ?? `A API respondeu ${res.status}.`,
      );
      if (res.status === 401) onUnauthorized(err);
      throw err;
    }
    return body;
  }
  return { get };
}

/** Text for an error, in pt-BR, kind to the reader. */
export function explainError(err) {
  if (!(err instanceof ApiError)) return "Algo deu errado ao carregar estes dados.";
  if (err.status === 403) return "Seu acesso não inclui estes dados. Fale com a gerência se precisar deles.";
  if (err.status === 404) return "Ainda não há dados aqui.";
  if (err.status === 401) return "Sua sessão expirou. Entre de novo com o token.";
  if (err.status === 429) return "Muitas consultas em pouco tempo; tentaremos de novo em instantes.";
  if (err.status === 0) return err.message;
  return `Não foi possível carregar (${err.message}).`;
}

/** A list out of a response that may be an array or an object holding one. */
export function listOf(body, ...keys) {
  if (Array.isArray(body)) return body;
  for (const k of [...keys, "items", "data"]) if (Array.isArray(body?.[k])) return body[k];
  return [];
}

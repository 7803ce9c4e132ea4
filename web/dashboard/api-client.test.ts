import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, createApiClient, explainError, listOf } from "./api-client.js";

const respond = (status: number, body: unknown) =>
  vi.fn(async (_url: string, _init?: RequestInit) => new Response(JSON.stringify(body), { status }));

afterEach(() => vi.unstubAllGlobals());

describe("api client", () => {
  it("sends the bearer token and leaves empty query values out", async () => {
    const fetch = respond(200, { ok: 1 });
    vi.stubGlobal("fetch", fetch);
    const api = createApiClient("tok", () => undefined);
    expect(await api.get("/api/stores/ranking", { month: "2026-12", empty: "", none: undefined })).toEqual({
      ok: 1,
    });
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe("/api/stores/ranking?month=2026-12");
    expect((init.headers as Record<string, string>).authorization).toBe("Bearer tok");
  });

  it("turns a 403 into a kind message and a 401 into a logout", async () => {
    vi.stubGlobal("fetch", respond(403, { code: "VT_ERR_API_FORBIDDEN", message: "Acesso negado" }));
    const onUnauthorized = vi.fn();
    const api = createApiClient("tok", onUnauthorized);
    const err = await api.get("/api/stores/7/sellers").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(403);
    expect(explainError(err)).toContain("Seu acesso não inclui estes dados");
    expect(onUnauthorized).not.toHaveBeenCalled();

    vi.stubGlobal("fetch", respond(401, { code: "VT_ERR_API_UNAUTHENTICATED", message: "Token expirado" }));
    await api.get("/api/me").catch(() => undefined);
    expect(onUnauthorized).toHaveBeenCalledTimes(1);
  });

  it("says when the API cannot be reached", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => {
        throw new TypeError("Failed to fetch");
      }),
    );
    const err = await createApiClient("t", () => undefined)
      .get("/api/me")
      .catch((e: unknown) => e);
    expect(explainError(err)).toContain("Não foi possível falar com a API");
  });

  it("finds the list in array or wrapped responses", () => {
    expect(listOf([1, 2])).toEqual([1, 2]);
    expect(listOf({ stores: [3] }, "stores")).toEqual([3]);
    expect(listOf({ nothing: true })).toEqual([]);
  });
});

import { describe, expect, it } from "vitest";
import { createAccess } from "./access.ts";
import { OPERATIONS_ADMIN, principalFromClaims, type Principal } from "./principal.ts";

const stores: Record<string, string> = { "1": "7", "2": "7", "3": "8" };
const access = createAccess(async (id) => stores[id]);
const p = (claims: object): Principal => principalFromClaims(claims) as Principal;
const seller1 = p({ sub: "seller:1", role: "seller", sellerId: "1" });
const seller9 = p({ sub: "seller:9", role: "seller", sellerId: "9", storeId: "8" }); // not in the employee table
const manager7 = p({ sub: "manager:7", role: "manager", storeId: "7" });
const admin = p({ sub: "admin", role: "admin" });

describe("access rules", () => {
  it("a seller reads only their own figures; a manager their store's sellers; admin all", async () => {
    expect(await access.canReadSeller(seller1, "1")).toBe(true);
    expect(await access.canReadSeller(seller1, "2")).toBe(false);
    expect(await access.canReadSeller(manager7, "2")).toBe(true);
    expect(await access.canReadSeller(manager7, "3")).toBe(false);
    expect(await access.canReadSeller(manager7, "unknown")).toBe(false);
    expect(await access.canReadSeller(admin, "3")).toBe(true);
    expect(await access.canReadSeller(OPERATIONS_ADMIN, "3")).toBe(true);
  });

  it("store summaries: the store's own people; the employee table beats the token's store", async () => {
    expect(await access.canReadStoreSummary(seller1, "7")).toBe(true);
    expect(await access.canReadStoreSummary(seller1, "8")).toBe(false);
    const lying = p({ sub: "seller:1", role: "seller", sellerId: "1", storeId: "8" });
    expect(await access.canReadStoreSummary(lying, "8")).toBe(false);
    expect(await access.canReadStoreSummary(seller9, "8")).toBe(true); // unknown employee: the token's store
    expect(await access.canReadStoreSummary(manager7, "7")).toBe(true);
    expect(await access.canReadStoreSummary(manager7, "8")).toBe(false);
  });

  it("team, staffing, stock and store feeds: the manager of that store or admin", () => {
    expect(access.canManageStore(manager7, "7")).toBe(true);
    expect(access.canManageStore(manager7, "8")).toBe(false);
    expect(access.canManageStore(seller1, "7")).toBe(false);
    expect(access.canManageStore(admin, "8")).toBe(true);
    expect(access.canReadNetworkFeed(manager7)).toBe(false);
    expect(access.canReadNetworkFeed(admin)).toBe(true);
    expect(access.isAdmin(seller1)).toBe(false);
  });

  it("malformed claims give no principal", () => {
    expect(principalFromClaims({ sub: "x", role: "seller" })).toBeUndefined(); // no sellerId
    expect(principalFromClaims({ sub: "x", role: "manager" })).toBeUndefined(); // no storeId
    expect(principalFromClaims({ sub: "x", role: "root" })).toBeUndefined();
    expect(principalFromClaims({ sub: "x", role: "seller", sellerId: "1; DROP" })).toBeUndefined();
    expect(principalFromClaims("x")).toBeUndefined();
  });
});

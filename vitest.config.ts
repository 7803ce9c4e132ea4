import { defineConfig } from "vitest/config";

// Two projects: `unit` (pure logic, no network) and `integration` (real local stack, started
// once per run by the global setup). Integration files run one at a time: 2 cores, real servers.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "node_modules/**", ".stack/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["tests/**/*.int.test.ts"],
          globalSetup: ["tests/setup/global-stack.ts"],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
    ],
  },
});

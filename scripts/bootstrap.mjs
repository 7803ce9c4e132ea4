#!/usr/bin/env node
// First step of `npm start` and `npm test` on a fresh machine: checks Node and installs the npm
// dependencies from the lockfile when they are missing or stale. Plain Node, no dependencies,
// because it runs before node_modules exists. The local stack's servers are installed by
// `stack/` (Maven Central, Debian packages) when it first starts them.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 20 || (major === 20 && minor < 19)) {
  console.error(`Vitrine needs Node.js 20.19 or newer (found ${process.versions.node}).`);
  process.exit(1);
}

// node-rdkafka (the connector's Kafka producer) builds against Debian's librdkafka, so that
// `npm ci` needs no download outside the package registries; it is installed first, once.
const RDKAFKA_HEADER = "/usr/include/librdkafka/rdkafka.h";
if (!existsSync(RDKAFKA_HEADER)) {
  if (process.getuid?.() !== 0) {
    console.error("librdkafka is missing; run: sudo apt-get install -y librdkafka-dev");
    process.exit(1);
  }
  console.log("• installing librdkafka-dev from Debian's packages (first time only)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", "librdkafka-dev"], {
    stdio: "inherit",
    env,
  });
}

const lock = resolve(root, "package-lock.json");
const marker = resolve(root, "node_modules", ".vitrine-lock-hash");
const want = createHash("sha256").update(readFileSync(lock)).digest("hex");
const have = existsSync(marker) ? readFileSync(marker, "utf8") : "";
if (have !== want) {
  console.log("• installing npm dependencies from package-lock.json (npm ci)…");
  const t0 = Date.now();
  // BUILD_LIBRDKAFKA=0: link node-rdkafka to the system librdkafka instead of compiling its
  // bundled copy; nodedir: build against the installed Node headers (no header download).
  const env = { ...process.env, BUILD_LIBRDKAFKA: "0" };
  if (existsSync("/usr/include/node/node.h")) env.npm_config_nodedir = "/usr";
  execFileSync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: "inherit",
    env,
  });
  mkdirSync(dirname(marker), { recursive: true });
  writeFileSync(marker, want);
  console.log(`✓ npm dependencies installed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

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

// node-rdkafka (the connector's Kafka producer) compiles its bundled librdkafka during `npm ci`;
// with these headers it has TLS, SASL (SCRAM for managed Kafka) and compression. Installed once,
// from Debian's packages, so nothing is downloaded outside the package registries.
const NATIVE_HEADERS = {
  "libssl-dev": "/usr/include/openssl/ssl.h",
  "libsasl2-dev": "/usr/include/sasl/sasl.h",
  "zlib1g-dev": "/usr/include/zlib.h",
  "libzstd-dev": "/usr/include/zstd.h",
};
const missing = Object.entries(NATIVE_HEADERS)
  .filter(([, header]) => !existsSync(header))
  .map(([pkg]) => pkg);
if (missing.length > 0) {
  if (process.getuid?.() !== 0) {
    console.error(`Build headers are missing; run: sudo apt-get install -y ${missing.join(" ")}`);
    process.exit(1);
  }
  console.log(`• installing ${missing.join(", ")} from Debian's packages (first time only)…`);
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  execFileSync("apt-get", ["update", "-q"], { stdio: "inherit", env });
  execFileSync("apt-get", ["install", "-y", "-q", "--no-install-recommends", ...missing], {
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
  // node-rdkafka compiles its bundled librdkafka (2.12; Debian's 2.0.2 fails fatally when it
  // aborts a transaction against Kafka 4.x). Not with make -j: its gyp build races on config.h.
  // nodedir: build against the installed Node headers, so node-gyp downloads nothing.
  const env = { ...process.env };
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

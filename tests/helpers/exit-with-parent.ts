/**
 * Test children spawned with `stdio: ["pipe", …]` import this first: when the test process
 * dies (a failed run, a killed vitest worker), its end of the stdin pipe closes and the child
 * exits instead of living on as an orphan that keeps consuming topics and holding ports.
 */
process.stdin.on("end", () => process.exit(70));
process.stdin.on("close", () => process.exit(70));
process.stdin.resume();

// Stops what the global setup started (the local Kafka broker, the test database).
export default async function globalTeardown() {
  for (const provided of (globalThis.__GMP_INFRA__ ?? []).reverse()) {
    await provided.stop().catch((err) => process.stderr.write(`[test-infra] stop failed: ${String(err)}\n`));
  }
}

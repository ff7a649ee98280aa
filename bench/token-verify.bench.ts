// npm run bench:token-verify — access-token verification in the shared guard's verifier
// (libs/identity), one core (a single thread), RS256 (what the platform's provider signs with), ES256 and EdDSA. Target (issue 3): ≥ 20,000/s per core.
import { appendFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { generateKeyPairSync } from 'node:crypto';
import { SignJWT } from 'jose';
import { AccessTokenVerifier } from '@gmp/identity';

const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 5);
const rows: string[] = [];
const KEYS = {
  RS256: () => generateKeyPairSync('rsa', { modulusLength: 2048 }),
  ES256: () => generateKeyPairSync('ec', { namedCurve: 'P-256' }),
  EdDSA: () => generateKeyPairSync('ed25519'),
};
for (const alg of ['RS256', 'ES256', 'EdDSA'] as const) {
  const pair = KEYS[alg]();
  const pem = pair.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  const verifier = new AccessTokenVerifier({ issuer: 'https://id.example/oidc', audience: 'urn:gov-mp:api', keys: async () => pem });
  const token = await new SignJWT({ client_id: 'app', scope: 'openid capabilities:invoke', acr: 'urn:gov-mp:loa:3' })
    .setProtectedHeader({ alg, kid: 'k1' })
    .setSubject('account-1')
    .setIssuer('https://id.example/oidc')
    .setAudience('urn:gov-mp:api')
    .setExpirationTime('10m')
    .sign(pair.privateKey);
  for (let i = 0; i < 2000; i++) await verifier.verify(token); // warm-up
  let n = 0;
  const started = performance.now();
  const cpu0 = process.cpuUsage();
  while (performance.now() - started < SECONDS * 1000) {
    await verifier.verify(token);
    n++;
  }
  const wall = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const line = `| ${alg} | ${Math.round(n / wall).toLocaleString('en')} | ${Math.round(n / cpuSeconds).toLocaleString('en')} | ${((wall / n) * 1e6).toFixed(1)} µs |`;
  process.stderr.write(`${line}\n`);
  rows.push(line);
}
const section = `
## bench:token-verify — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC

Machine: ${cpus().length} × ${cpus()[0]?.model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}. \`AccessTokenVerifier.verify()\` (signature, issuer, audience, expiry, claims → principal) in one thread, ${SECONDS} s per algorithm after 2,000 warm-up verifications; the key resolved from the cached key store; fast-jwt on Node's crypto. Target: ≥ 20,000/s per core.

| algorithm | verifications/s (wall) | per CPU-second | per verification |
|---|---|---|---|
${rows.join('\n')}
`;
appendFileSync('docs/benchmarks.md', section);
process.stdout.write(section);

import { randomBytes } from 'node:crypto';
import { argon2id } from 'hash-wasm';

/** argon2id with OWASP's minimum parameters (19 MiB; we use 3 passes), PHC-encoded. */
export function hashPassword(password: string): Promise<string> {
  return argon2id({
    password,
    salt: randomBytes(16),
    parallelism: 1,
    iterations: 3,
    memorySize: 19456,
    hashLength: 32,
    outputType: 'encoded',
  });
}

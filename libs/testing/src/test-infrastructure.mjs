// How tests obtain a real Kafka broker and a real PostgreSQL (plain JavaScript: jest loads it
// as its global setup before any TypeScript transform is in place).
//   Kafka:      KAFKA_BROKERS if set → testcontainers if a Docker engine answers → deploy/local/kafka
//   PostgreSQL: DATABASE_URL if set → testcontainers if a Docker engine answers → the local server
//               (PGHOST/PGPORT/PGUSER, default 127.0.0.1:5432 postgres), in a fresh database.
//   Redis:      REDIS_URL if set → testcontainers if a Docker engine answers → the local server
//               (127.0.0.1:6379). Tests namespace their keys (random app keys), nothing is flushed.
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** True when a Docker engine answers on DOCKER_HOST or the default socket (within 1 s). */
export async function dockerEngineAnswers() {
  const host = process.env.DOCKER_HOST;
  const socketPath = host?.startsWith('unix://') ? host.slice('unix://'.length) : host ? undefined : '/var/run/docker.sock';
  if (socketPath && !existsSync(socketPath)) return false;
  let target;
  if (socketPath) target = { socketPath };
  else {
    const url = new URL(host.replace(/^tcp:/, 'http:'));
    target = { host: url.hostname, port: Number(url.port || 2375) };
  }
  return new Promise((done) => {
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: 1000 }, (res) => {
      res.resume();
      done(res.statusCode === 200);
    });
    req.on('error', () => done(false));
    req.on('timeout', () => {
      req.destroy();
      done(false);
    });
    req.end();
  });
}

/** @returns {Promise<{ value: string, source: string, description: string, stop: () => Promise<void> }>} */
export async function obtainKafka(log) {
  const fromEnv = process.env.KAFKA_BROKERS;
  if (fromEnv) return { value: fromEnv, source: 'environment', description: `KAFKA_BROKERS=${fromEnv}`, stop: async () => {} };
  if (await dockerEngineAnswers()) {
    const { KafkaContainer } = await import('@testcontainers/kafka');
    const container = await new KafkaContainer('confluentinc/cp-kafka:7.9.1').withKraft().start();
    const brokers = `${container.getHost()}:${container.getMappedPort(9093)}`;
    return {
      value: brokers,
      source: 'testcontainers',
      description: `cp-kafka 7.9.1 container at ${brokers}`,
      stop: async () => void (await container.stop()),
    };
  }
  const { startLocalKafka } = await import(resolve(repoRoot, 'deploy/local/kafka/kafka-local.mjs'));
  const kafka = await startLocalKafka({ log });
  const brokers = kafka.brokers.join(',');
  return {
    value: brokers,
    source: 'local-launcher',
    description: `Apache Kafka 3.9.1 from Maven Central (deploy/local/kafka) at ${brokers}`,
    pid: kafka.pid,
    stop: () => kafka.stop(),
  };
}

/** @returns {Promise<{ value: string, source: string, description: string, stop: () => Promise<void> }>} */
export async function obtainPostgres() {
  const fromEnv = process.env.DATABASE_URL;
  if (fromEnv) return { value: fromEnv, source: 'environment', description: `DATABASE_URL=${redact(fromEnv)}`, stop: async () => {} };
  if (await dockerEngineAnswers()) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:16-alpine').start();
    const url = container.getConnectionUri();
    return {
      value: url,
      source: 'testcontainers',
      description: `postgres:16 container at ${redact(url)}`,
      stop: async () => void (await container.stop()),
    };
  }
  const host = process.env.PGHOST ?? '127.0.0.1';
  const port = process.env.PGPORT ?? '5432';
  const user = process.env.PGUSER ?? 'postgres';
  const password = process.env.PGPASSWORD;
  const auth = password ? `${encodeURIComponent(user)}:${encodeURIComponent(password)}` : encodeURIComponent(user);
  const admin = `postgres://${auth}@${host}:${port}/postgres`;
  const database = `gmp_test_${Date.now().toString(36)}_${process.pid}`;
  const client = new pg.Client({ connectionString: admin, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `找不到 PostgreSQL (no PostgreSQL): DATABASE_URL is not set, no Docker engine answers, and ${host}:${port} refused (${err.message}). ` +
        'Start a PostgreSQL server (Debian: apt-get install -y postgresql) or set DATABASE_URL.',
    );
  }
  await client.query(`CREATE DATABASE "${database}"`);
  const version = (await client.query('SHOW server_version')).rows[0].server_version;
  await client.end();
  const url = `postgres://${auth}@${host}:${port}/${database}`;
  return {
    value: url,
    source: 'local-server',
    description: `PostgreSQL ${version} on ${host}:${port}, fresh database ${database}`,
    stop: async () => {
      const c = new pg.Client({ connectionString: admin });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await c.end();
    },
  };
}

/** @returns {Promise<{ value: string, source: string, description: string, stop: () => Promise<void> }>} */
export async function obtainRedis() {
  const fromEnv = process.env.REDIS_URL;
  if (fromEnv) return { value: fromEnv, source: 'environment', description: `REDIS_URL=${redact(fromEnv)}`, stop: async () => {} };
  if (await dockerEngineAnswers()) {
    const { GenericContainer } = await import('testcontainers');
    const container = await new GenericContainer('redis:7-alpine').withExposedPorts(6379).start();
    const url = `redis://${container.getHost()}:${container.getMappedPort(6379)}`;
    return {
      value: url,
      source: 'testcontainers',
      description: `redis:7 container at ${url}`,
      stop: async () => void (await container.stop()),
    };
  }
  const url = 'redis://127.0.0.1:6379';
  const { Redis } = await import('ioredis');
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const info = await client.info('server');
    const version = /redis_version:(\S+)/.exec(info)?.[1] ?? '?';
    return { value: url, source: 'local-server', description: `Redis ${version} on 127.0.0.1:6379`, stop: async () => {} };
  } catch (err) {
    throw new Error(
      `找不到 Redis (no Redis): REDIS_URL is not set, no Docker engine answers, and 127.0.0.1:6379 refused (${err.message}). ` +
        'Start a Redis server (Debian: apt-get install -y redis-server) or set REDIS_URL.',
    );
  } finally {
    client.disconnect();
  }
}

function redact(url) {
  return url.replace(/:\/\/([^:@/]+):[^@/]+@/, '://$1:***@');
}

// Apache Kafka MirrorMaker 2 (dedicated mode) from Maven Central artifacts, for simulating the
// platform's multi-region topology on one machine (docs/regions.md, npm run regions:simulate).
// Like kafka-local.mjs it needs Java 17+ and Maven, and no Docker; the jars are cached in
// .cache/kafka-<version>/mirror-libs on first use.

import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { KAFKA_VERSION } from './kafka-local.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = path.resolve(HERE, '..', '..', '..');
const POM = path.join(HERE, 'mirror-maker.pom.xml');
const LIBS_DIR = path.join(REPO_ROOT, '.cache', `kafka-${KAFKA_VERSION}`, 'mirror-libs');
const MARKER_JAR = `connect-mirror-${KAFKA_VERSION}.jar`;

const LOG4J = `log4j.rootLogger=INFO, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.org.apache.kafka.clients=WARN
log4j.logger.org.reflections=ERROR
`;

/** Downloads MirrorMaker 2's jars once (Maven Central), into the repository's cache. */
export function ensureMirrorMakerLibs(log = (line) => console.error(line)) {
  if (fs.existsSync(path.join(LIBS_DIR, MARKER_JAR))) return LIBS_DIR;
  const tmp = `${LIBS_DIR}.partial-${process.pid}`;
  log(`mirror-maker: downloading MirrorMaker 2 ${KAFKA_VERSION} jars from Maven Central (one time) -> ${LIBS_DIR}`);
  const r = spawnSync(
    'mvn',
    ['-q', '-B', '-f', POM, 'dependency:copy-dependencies', '-DincludeScope=runtime', `-DoutputDirectory=${tmp}`],
    {
      encoding: 'utf8',
    },
  );
  if (r.status !== 0 || !fs.existsSync(path.join(tmp, MARKER_JAR))) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw new Error(
      `mirror-maker: 'mvn dependency:copy-dependencies' failed (exit ${r.status}); is Maven installed and Maven Central reachable?\n${(r.stdout ?? '') + (r.stderr ?? '')}`,
    );
  }
  fs.mkdirSync(path.dirname(LIBS_DIR), { recursive: true });
  try {
    fs.renameSync(tmp, LIBS_DIR);
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (!fs.existsSync(path.join(LIBS_DIR, MARKER_JAR))) throw err;
  }
  return LIBS_DIR;
}

/**
 * The mm2.properties of a topology: `clusters` by alias (bootstrap servers), and `flows` —
 * `{ from, to, topics }` with `topics` a regular expression of topic names. Topic names are kept
 * as they are (IdentityReplicationPolicy: a consumer reads the same topic in every region), so a
 * topic must flow in one direction only, or it would loop.
 */
export function mirrorMakerProperties({ clusters, flows }) {
  const lines = [
    `clusters = ${Object.keys(clusters).join(', ')}`,
    ...Object.entries(clusters).map(([alias, servers]) => `${alias}.bootstrap.servers = ${servers}`),
    'replication.policy.class = org.apache.kafka.connect.mirror.IdentityReplicationPolicy',
    // One broker per cluster here; three in production.
    'replication.factor = 1',
    'checkpoints.topic.replication.factor = 1',
    'heartbeats.topic.replication.factor = 1',
    'offset-syncs.topic.replication.factor = 1',
    'offset.storage.replication.factor = 1',
    'status.storage.replication.factor = 1',
    'config.storage.replication.factor = 1',
    // New topics matching a flow are picked up within seconds; ACLs and configs are each region's own.
    'refresh.topics.interval.seconds = 5',
    'sync.topic.acls.enabled = false',
    'sync.topic.configs.enabled = false',
    // Heartbeat topics would loop under the identity policy; consumer groups are not failed over between regions.
    'emit.heartbeats.enabled = false',
    'emit.checkpoints.enabled = false',
    // Records are copied with their headers (trace context, event id) and keys: the order per key is kept.
  ];
  const pairs = new Set(flows.map((f) => `${f.from}->${f.to}`));
  for (const from of Object.keys(clusters))
    for (const to of Object.keys(clusters)) if (from !== to && !pairs.has(`${from}->${to}`)) lines.push(`${from}->${to}.enabled = false`);
  for (const f of flows) {
    lines.push(`${f.from}->${f.to}.enabled = true`, `${f.from}->${f.to}.topics = ${f.topics}`);
  }
  return lines.join('\n') + '\n';
}

/** Starts MirrorMaker 2 for the topology; resolves once its JVM runs. `stop()` ends it. */
export async function startMirrorMaker({ clusters, flows, log = (line) => console.error(line), heapMb = 384 }) {
  const libs = ensureMirrorMakerLibs(log);
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'mirror-maker-'));
  const props = path.join(dir, 'mm2.properties');
  const log4j = path.join(dir, 'log4j.properties');
  await fsp.writeFile(props, mirrorMakerProperties({ clusters, flows }));
  await fsp.writeFile(log4j, LOG4J);
  const logFile = path.join(dir, 'mirror-maker.log');
  const out = fs.openSync(logFile, 'a');
  const child = spawn(
    'java',
    [
      `-Xmx${heapMb}m`,
      '-XX:+UseSerialGC',
      '-XX:-UsePerfData',
      `-Dlog4j.configuration=${pathToFileURL(log4j).href}`,
      '-cp',
      `${libs}${path.sep}*`,
      'org.apache.kafka.connect.mirror.MirrorMaker',
      props,
    ],
    { cwd: dir, stdio: ['ignore', out, out] },
  );
  fs.closeSync(out);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const onExit = () => {
    try {
      child.kill('SIGKILL');
    } catch {}
  };
  process.on('exit', onExit);
  log(`mirror-maker: started (pid ${child.pid}), flows ${flows.map((f) => `${f.from}->${f.to} [${f.topics}]`).join('; ')}, log ${logFile}`);
  return {
    pid: child.pid,
    logFile,
    properties: props,
    async stop() {
      process.removeListener('exit', onExit);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(timer);
      }
      await fsp.rm(dir, { recursive: true, force: true });
    },
  };
}

#!/usr/bin/env node
// deploy/local/kafka/kafka-local.mjs
//
// Runs a REAL single-node Apache Kafka 3.9.1 broker (KRaft, combined broker+controller)
// without Docker: the broker jars come from Maven Central (see ./pom.xml), the JVM is the
// machine's Java 17. Used two ways:
//
//   * as a library:  const kafka = await startLocalKafka(); ... await kafka.stop();
//   * as a CLI:      node deploy/local/kafka/kafka-local.mjs [--port N]   (npm run kafka:local)
//
// Only Node built-ins are imported at module load. kafkajs, when resolvable (it is inside
// this repo), is imported lazily for one extra readiness check (a metadata request).
//
// Lifetime guarantees — the JVM must never outlive the Node process that started it:
//   1. stop()                 SIGTERM, up to 15 s grace, then SIGKILL.
//   2. process 'exit' hook    synchronous SIGKILL of the whole broker process group.
//   3. CLI only: SIGINT/SIGTERM/SIGHUP handlers that stop() cleanly and exit.
//      (As a library we do NOT install signal handlers: that is the host's business.)
//   4. A tiny bash watchdog wraps the JVM and polls the Node pid once a second; if Node
//      disappears without running any handler (e.g. `kill -9`), the watchdog stops the JVM
//      (SIGTERM, then SIGKILL after 10 s) and removes the temp data dir.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const KAFKA_VERSION = '3.9.1';

const HERE = path.dirname(fileURLToPath(import.meta.url)); // <repo>/deploy/local/kafka
const REPO_ROOT = path.resolve(HERE, '..', '..', '..'); // <repo>
const POM = path.join(HERE, 'pom.xml');
const CACHE_DIR = path.join(REPO_ROOT, '.cache', `kafka-${KAFKA_VERSION}`);
const DEFAULT_LIBS_DIR = path.join(CACHE_DIR, 'libs');
/** The jar whose presence means "libs folder is complete" (it is only there after a successful rename). */
const MARKER_JAR = `kafka_2.13-${KAFKA_VERSION}.jar`;

const INSTALL_HINT = 'Install it with your package manager, e.g. on Debian/Ubuntu: ' + 'apt-get install -y openjdk-17-jre-headless maven';

// ---------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Resolves with `value` when `promise` settles, or with `timeoutValue` after `ms`, and clears
 * the timer either way (a leftover timer would keep the host process alive after stop()).
 */
function withTimeout(promise, ms, value, timeoutValue) {
  let timer;
  return Promise.race([promise.then(() => value), new Promise((r) => (timer = setTimeout(() => r(timeoutValue), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

/** broker.log from byte offset `fromByte` on (a reused dataDir appends to an older log). */
function readLogFrom(file, fromByte = 0) {
  try {
    return fs.readFileSync(file).subarray(fromByte).toString('utf8');
  } catch {
    return '';
  }
}

/** Runs a command, collecting stdout+stderr; resolves { code, output }. Never rejects on exit code. */
function run(cmd, args, opts = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? signal, output }));
  });
}

/** Last `lines` lines of a text file ('' if it cannot be read). */
function tailOf(file, lines = 40, fromByte = 0) {
  return readLogFrom(file, fromByte).trimEnd().split('\n').slice(-lines).join('\n');
}

/** Asks the OS for a free TCP port on 127.0.0.1 (bind port 0, read it, close). */
function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen({ port: 0, host: '127.0.0.1', exclusive: true }, () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Rejects with a clear message if a caller-chosen port on 127.0.0.1 is already taken. */
function assertPortFree(port, what) {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once('error', (err) =>
      reject(
        new Error(
          `kafka-local: ${what} 127.0.0.1:${port} is not available (${err.code ?? err.message}); pick another port or omit it to get a free one`,
        ),
      ),
    );
    srv.listen({ port, host: '127.0.0.1', exclusive: true }, () => srv.close(() => resolve()));
  });
}

/** true if something accepts TCP connections on 127.0.0.1:port. */
function canConnect(port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const sock = net.connect({ port, host: '127.0.0.1' });
    const done = (ok) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}

/**
 * Kafka cluster ids are 16 random bytes in URL-safe base64 without padding (22 chars), exactly
 * what `kafka.tools.StorageTool random-uuid` prints (org.apache.kafka.common.Uuid). Generating it
 * here saves one JVM start (~1-2 s on a 2-core box). Kafka rejects ids starting with '-'
 * (they look like CLI flags), and all-zero/one ids are reserved; re-roll in those cases.
 */
function randomClusterId() {
  for (;;) {
    const id = randomBytes(16).toString('base64url');
    if (!id.startsWith('-') && id !== 'AAAAAAAAAAAAAAAAAAAAAA' && id !== 'AAAAAAAAAAAAAAAAAAAAAQ') return id;
  }
}

// ---------------------------------------------------------------------------------------------
// Prerequisites: java and mvn
// ---------------------------------------------------------------------------------------------

/** Throws a helpful Error unless `java` (11+; 17 recommended) is on PATH. */
function checkJava() {
  const r = spawnSync('java', ['-version'], { encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      `kafka-local: 'java' was not found on PATH (${r.error.code ?? r.error.message}). ` +
        `A Java 17 runtime is needed to run the Kafka ${KAFKA_VERSION} broker. ${INSTALL_HINT}`,
    );
  }
  const text = `${r.stderr}${r.stdout}`;
  const m = /version "(?:1\.)?(\d+)/.exec(text);
  if (m && Number(m[1]) < 11) {
    throw new Error(`kafka-local: 'java' is Java ${m[1]}, but Kafka ${KAFKA_VERSION} needs Java 11+ (17 recommended). ${INSTALL_HINT}`);
  }
}

/** Throws a helpful Error unless `mvn` is on PATH (only needed when the libs are not cached yet). */
function checkMaven(libsDir) {
  const r = spawnSync('mvn', ['-v'], { encoding: 'utf8' });
  if (r.error) {
    throw new Error(
      `kafka-local: 'mvn' (Apache Maven) was not found on PATH (${r.error.code ?? r.error.message}). ` +
        `It is needed once, to download the Kafka ${KAFKA_VERSION} jars from Maven Central into ${libsDir}. ` +
        INSTALL_HINT,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Broker jars (cached under <repo>/.cache/kafka-3.9.1/libs)
// ---------------------------------------------------------------------------------------------

/**
 * Makes sure `libsDir` holds the broker's runtime classpath. Downloads with Maven into a temp
 * sibling folder and renames it into place, so an interrupted download never leaves a
 * half-filled libs folder that looks complete.
 */
async function ensureLibs(libsDir, log) {
  if (fs.existsSync(path.join(libsDir, MARKER_JAR))) return libsDir;

  checkMaven(libsDir);
  const parent = path.dirname(libsDir);
  await fsp.mkdir(parent, { recursive: true });
  const tmp = await fsp.mkdtemp(path.join(parent, `${path.basename(libsDir)}.partial-`));
  log(`kafka-local: downloading Kafka ${KAFKA_VERSION} jars from Maven Central (one time) -> ${libsDir}`);
  const t0 = Date.now();
  try {
    const { code, output } = await run('mvn', [
      '-q',
      '-B',
      '-f',
      POM,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${tmp}`,
    ]);
    if (code !== 0 || !fs.existsSync(path.join(tmp, MARKER_JAR))) {
      throw new Error(
        `kafka-local: 'mvn dependency:copy-dependencies' failed (exit ${code}); is Maven Central reachable?\n` +
          output.trim().split('\n').slice(-30).join('\n'),
      );
    }
    // A stale, incomplete libs folder (no marker jar) from an older layout: move it aside.
    if (fs.existsSync(libsDir) && !fs.existsSync(path.join(libsDir, MARKER_JAR))) {
      await fsp.rm(libsDir, { recursive: true, force: true });
    }
    try {
      await fsp.rename(tmp, libsDir);
    } catch (err) {
      // Another process finished the same download first: use theirs.
      if (!fs.existsSync(path.join(libsDir, MARKER_JAR))) throw err;
    }
    log(`kafka-local: jars ready (${fs.readdirSync(libsDir).length} files, ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
    return libsDir;
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true }); // no-op after a successful rename
  }
}

// ---------------------------------------------------------------------------------------------
// Configuration files
// ---------------------------------------------------------------------------------------------

function serverProperties({ port, controllerPort, logDir }) {
  return `# Generated by deploy/local/kafka/kafka-local.mjs — single-node KRaft (broker+controller), dev/test only.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:${controllerPort}
listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}
advertised.listeners=PLAINTEXT://127.0.0.1:${port}
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=${logDir}
num.partitions=1
auto.create.topics.enable=true
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
metadata.max.idle.interval.ms=5000
`;
}

// WARN everywhere, except BrokerServer at INFO so "Transition from STARTING to STARTED" (our
// readiness signal) and the shutdown steps are visible. Everything goes to stdout -> broker.log.
const LOG4J_PROPERTIES = `# Generated by deploy/local/kafka/kafka-local.mjs
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.BrokerServer=INFO
`;

// ---------------------------------------------------------------------------------------------
// Watchdog
// ---------------------------------------------------------------------------------------------

// Runs as `bash -c WATCHDOG kafka-local-watchdog <node-pid> <pid-file> <dir-to-remove|""> java ...`.
// - starts the JVM in the background and writes its pid to <pid-file>;
// - SIGTERM/SIGINT/SIGHUP to the watchdog are forwarded to the JVM (this is how stop() works);
// - once a second checks that the Node parent is alive; if not (Node was SIGKILLed, so no
//   handler of ours ran), SIGTERMs the JVM, SIGKILLs it after 10 s, and removes the temp dir;
// - exits with the JVM's exit status.
// `sleep 1 & wait $!` instead of plain `sleep 1` so trapped signals are handled at once.
const WATCHDOG = String.raw`
parent=$1; pidfile=$2; cleanup=$3; shift 3
"$@" &
jpid=$!
echo "$jpid" > "$pidfile"
stopping=0
trap 'stopping=1; kill -TERM "$jpid" 2>/dev/null' TERM INT HUP
orphaned=0
while [ "$stopping" = 0 ] && kill -0 "$jpid" 2>/dev/null; do
  if ! kill -0 "$parent" 2>/dev/null; then
    orphaned=1
    echo "[kafka-local watchdog] parent process $parent is gone; stopping the broker (pid $jpid)"
    kill -TERM "$jpid" 2>/dev/null
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$jpid" 2>/dev/null || break; sleep 1; done
    kill -KILL "$jpid" 2>/dev/null
    break
  fi
  sleep 1 & wait $!
done
# Reap the JVM and keep its exit status. A signal arriving during 'wait' interrupts it, hence the loop
# (kill -0 also succeeds on the not-yet-reaped zombie, so the loop body runs at least once).
status=0
while kill -0 "$jpid" 2>/dev/null; do wait "$jpid"; status=$?; done
if [ "$orphaned" = 1 ] && [ -n "$cleanup" ]; then rm -rf -- "$cleanup"; fi
exit $status
`;

// ---------------------------------------------------------------------------------------------
// startLocalKafka
// ---------------------------------------------------------------------------------------------

/**
 * Starts a real single-node Kafka 3.9.1 broker (KRaft) on 127.0.0.1 and waits until it serves
 * metadata requests.
 *
 * @param {object}   [options]
 * @param {string}   [options.libsDir]        folder with the broker jars; default <repo>/.cache/kafka-3.9.1/libs (downloaded with mvn if missing)
 * @param {string}   [options.dataDir]        where config, broker.log and the KRaft log dirs live; default a fresh temp dir (removed by stop())
 * @param {number}   [options.port]           PLAINTEXT listener port; default a free loopback port
 * @param {number}   [options.controllerPort] KRaft controller port; default a free loopback port
 * @param {number}   [options.heapMb=512]     JVM max heap (-Xmx)
 * @param {(line: string) => void} [options.log=console.error] progress lines
 * @param {number}   [options.startTimeoutMs=90000]
 * @returns {Promise<{ brokers: string[], dataDir: string, pid: number, stop: () => Promise<void> }>}
 *          `pid` is the JVM's pid; `stop()` is idempotent.
 */
export async function startLocalKafka(options = {}) {
  return start(options, { cli: false });
}

async function start(options, { cli }) {
  const { libsDir = DEFAULT_LIBS_DIR, heapMb = 512, log = (line) => console.error(line), startTimeoutMs = 90_000 } = options;
  const t0 = Date.now();

  checkJava();
  await ensureLibs(libsDir, log);

  // Explicit ports are checked up front: a taken port would otherwise only show up as a
  // bind error deep in broker.log (and a foreign listener would pass a plain TCP check).
  if (options.port != null) await assertPortFree(options.port, 'port');
  if (options.controllerPort != null) await assertPortFree(options.controllerPort, 'controllerPort');
  const port = options.port ?? (await freePort());
  let controllerPort = options.controllerPort ?? (await freePort());
  while (controllerPort === port) controllerPort = await freePort();

  const ownsDataDir = !options.dataDir;
  const dataDir = ownsDataDir ? await fsp.mkdtemp(path.join(os.tmpdir(), 'kafka-local-')) : path.resolve(options.dataDir);
  await fsp.mkdir(dataDir, { recursive: true });

  const propsFile = path.join(dataDir, 'server.properties');
  const log4jFile = path.join(dataDir, 'log4j.properties');
  const brokerLog = path.join(dataDir, 'broker.log');
  const pidFile = path.join(dataDir, 'broker.pid');
  const classpath = `${libsDir}${path.sep}*`; // expanded by java itself, not by a shell
  const log4jOpt = `-Dlog4j.configuration=${pathToFileURL(log4jFile).href}`;

  let child = null; // the watchdog (bash); the JVM is its child, in the same process group
  let exitHook = null;
  let stopPromise = null;

  const removeDataDir = async () => {
    if (ownsDataDir) await fsp.rm(dataDir, { recursive: true, force: true }).catch(() => {});
  };

  try {
    const logDir = path.join(dataDir, 'kraft-logs');
    await fsp.writeFile(propsFile, serverProperties({ port, controllerPort, logDir }));
    await fsp.writeFile(log4jFile, LOG4J_PROPERTIES);

    // Format KRaft storage (what `kafka-storage.sh format -t <id> -c server.properties` does).
    // A caller-supplied dataDir may already be formatted (it keeps its topics across runs): then
    // keep it, since formatting again needs the very same cluster id.
    const metaFile = path.join(logDir, 'meta.properties');
    const existingId = fs.existsSync(metaFile) && /^cluster\.id=(.+)$/m.exec(fs.readFileSync(metaFile, 'utf8'))?.[1];
    if (existingId) {
      log(`kafka-local: reusing formatted storage in ${logDir} (cluster id ${existingId})`);
    } else {
      const fmt = await run('java', [
        '-cp',
        classpath,
        log4jOpt,
        'kafka.tools.StorageTool',
        'format',
        '-t',
        randomClusterId(),
        '-c',
        propsFile,
      ]);
      if (fmt.code !== 0) {
        throw new Error(`kafka-local: formatting storage failed (exit ${fmt.code}):\n${fmt.output.trim()}`);
      }
    }

    // Start the JVM through the watchdog. detached:true puts watchdog+JVM into their own process
    // group, so (a) a terminal Ctrl-C reaches only Node, which then stops the broker in order,
    // and (b) the 'exit' hook can SIGKILL both with one process.kill(-pgid). Their lifetime is
    // still tied to ours: see the hooks below and the watchdog itself.
    const logStart = fs.existsSync(brokerLog) ? fs.statSync(brokerLog).size : 0; // reused dataDir
    const logFd = fs.openSync(brokerLog, 'a');
    fs.rmSync(pidFile, { force: true });
    log(`kafka-local: starting Kafka ${KAFKA_VERSION} on 127.0.0.1:${port} (controller ${controllerPort}), data ${dataDir}`);
    child = spawn(
      'bash',
      [
        '-c',
        WATCHDOG,
        'kafka-local-watchdog',
        String(process.pid),
        pidFile,
        ownsDataDir ? dataDir : '',
        'java',
        `-Xmx${heapMb}m`,
        '-XX:+UseSerialGC',
        '-XX:-UsePerfData',
        '-Djava.awt.headless=true',
        log4jOpt,
        '-cp',
        classpath,
        'kafka.Kafka',
        propsFile,
      ],
      { cwd: dataDir, detached: true, stdio: ['ignore', logFd, logFd] },
    );
    fs.closeSync(logFd); // the child has its own copy; the JVM writes broker.log directly
    // Resolves when the watchdog (and with it the JVM) is gone. A failed spawn (e.g. no bash)
    // emits 'error' and maybe no 'exit', so listen to both.
    const childExited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', (err) => resolve({ code: `could not run 'bash' (${err.code ?? err.message})`, signal: null }));
    });
    let exited = null;
    childExited.then((r) => (exited = r));

    // Last-resort hook: Node is exiting (normally, via process.exit, or an uncaught error);
    // only synchronous work is possible, so SIGKILL the whole process group.
    exitHook = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {}
      if (ownsDataDir) {
        try {
          fs.rmSync(dataDir, { recursive: true, force: true });
        } catch {}
      }
    };
    process.on('exit', exitHook);
    // As a library, don't keep the host's event loop alive just because the broker runs;
    // the CLI wants exactly that.
    if (!cli) child.unref();

    const killGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {}
    };

    // stop(): SIGTERM -> the watchdog forwards it to the JVM (clean shutdown); after 15 s SIGKILL.
    const stop = () => {
      stopPromise ??= (async () => {
        if (!exited) {
          child.ref(); // keep the host alive until the broker is really down
          try {
            child.kill('SIGTERM');
          } catch {}
          const timedOut = await withTimeout(childExited, 15_000, false, true);
          if (timedOut) {
            log('kafka-local: broker did not stop within 15 s; sending SIGKILL');
            killGroup('SIGKILL');
            await withTimeout(childExited, 5_000);
          }
        }
        killGroup('SIGKILL'); // reap anything left in the group (normally nothing)
        process.removeListener('exit', exitHook);
        await removeDataDir();
      })();
      return stopPromise;
    };

    // ---- wait until ready --------------------------------------------------------------------
    const deadline = t0 + startTimeoutMs;
    const failure = (why) => new Error(`kafka-local: ${why}. Last lines of ${brokerLog}:\n${tailOf(brokerLog, 40, logStart) || '(empty)'}`);
    const startedRe = /BrokerServer id=\d+\] Transition from STARTING to STARTED/;
    // Kafka 3.9 logs STARTING -> STARTED even when a listener then fails to bind, and shuts down
    // right after; treat these lines as failure instead of waiting for the JVM to exit.
    const fatalRe = /Transition from STARTED to SHUTTING_DOWN|Exiting Kafka due to fatal exception/;
    let ready = false;
    try {
      while (!ready) {
        if (exited) throw failure(`the broker JVM exited early (${exited.code ?? exited.signal})`);
        if (Date.now() > deadline) throw failure(`the broker was not ready within ${startTimeoutMs} ms`);
        const text = readLogFrom(brokerLog, logStart);
        if (fatalRe.test(text)) throw failure('the broker failed during startup');
        if (startedRe.test(text) && (await canConnect(port))) ready = true;
        else await sleep(250);
      }
      await verifyWithKafkajs(port, deadline, () => exited, failure);
    } catch (err) {
      await stop();
      throw err;
    }

    const pid = Number(tailOf(pidFile, 1)) || child.pid;
    log(`kafka-local: broker ready at 127.0.0.1:${port} in ${((Date.now() - t0) / 1000).toFixed(1)} s (pid ${pid}, log ${brokerLog})`);
    return { brokers: [`127.0.0.1:${port}`], dataDir, pid, stop, exited: childExited };
  } catch (err) {
    if (!stopPromise) {
      if (child) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {}
      }
      if (exitHook) process.removeListener('exit', exitHook);
      await removeDataDir();
    }
    throw err;
  }
}

/**
 * Optional extra check: a real metadata request (admin connect + listTopics) with kafkajs, if it
 * can be imported from here (it can inside this repo). Retries until the deadline.
 */
async function verifyWithKafkajs(port, deadline, exited, failure) {
  let Kafka, logLevel;
  try {
    ({ Kafka, logLevel } = await import('kafkajs'));
  } catch {
    return; // kafkajs not installed: the log line + TCP connect have to do
  }
  let lastErr;
  while (Date.now() < deadline) {
    if (exited()) throw failure('the broker JVM exited during the metadata check');
    const admin = new Kafka({
      clientId: 'kafka-local-readiness',
      brokers: [`127.0.0.1:${port}`],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
      connectionTimeout: 3000,
    }).admin();
    try {
      await admin.connect();
      await admin.listTopics();
      return;
    } catch (err) {
      lastErr = err;
      await sleep(500);
    } finally {
      await admin.disconnect().catch(() => {});
    }
  }
  throw failure(`metadata request did not succeed in time (${lastErr?.message ?? 'timeout'})`);
}

// ---------------------------------------------------------------------------------------------
// CLI
// ---------------------------------------------------------------------------------------------

function parseArgs(argv) {
  const opts = {};
  const num = (flag, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`${flag} expects a number, got '${v}'`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--port':
        opts.port = num(flag, value());
        break;
      case '--controller-port':
        opts.controllerPort = num(flag, value());
        break;
      case '--heap-mb':
        opts.heapMb = num(flag, value());
        break;
      case '--data-dir':
        opts.dataDir = value();
        break;
      case '-h':
      case '--help':
        console.log(
          'Usage: node deploy/local/kafka/kafka-local.mjs [--port N] [--controller-port N] [--heap-mb N] [--data-dir DIR]\n' +
            'Runs a single-node Apache Kafka 3.9.1 broker (KRaft) on 127.0.0.1 until Ctrl-C.',
        );
        process.exit(0);
      default:
        throw new Error(`unknown argument '${argv[i]}' (try --help)`);
    }
  }
  return opts;
}

async function main() {
  // kafkajs 2.2.4 (used for the readiness check) calls setTimeout with a negative delay, which
  // Node 24 reports as a harmless TimeoutNegativeWarning. This is our own process in CLI mode,
  // so drop just that warning and print every other one as Node would.
  process.removeAllListeners('warning');
  process.on('warning', (w) => {
    if (w.name !== 'TimeoutNegativeWarning') console.error(`(node:${process.pid}) ${w.name}: ${w.message}`);
  });

  let kafka;
  try {
    kafka = await start(parseArgs(process.argv.slice(2)), { cli: true });
  } catch (err) {
    console.error(err?.message ?? err);
    process.exit(1);
  }
  const brokers = kafka.brokers.join(',');
  console.log(`KAFKA_BROKERS=${brokers}`);
  console.log(`# 本地 Kafka 已就绪。在另一个终端执行 export KAFKA_BROKERS=${brokers} 后再启动服务或测试；按 Ctrl-C 停止。`);
  console.log(
    `# Local Kafka is ready. In another terminal run: export KAFKA_BROKERS=${brokers} — then start services/tests. Ctrl-C stops it.`,
  );

  let stopping = false;
  const onSignal = async (signal) => {
    if (stopping) {
      console.error(`kafka-local: ${signal} again, killing the broker now`);
      process.exit(130); // the 'exit' hook SIGKILLs the JVM
    }
    stopping = true;
    console.error(`kafka-local: ${signal} received, stopping the broker…`);
    await kafka.stop();
    console.error('kafka-local: stopped.');
    process.exit(0);
  };
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, onSignal);

  // If the broker dies on its own, say so and exit non-zero.
  const { code, signal } = await kafka.exited;
  if (!stopping) {
    console.error(
      `kafka-local: the broker exited unexpectedly (${code ?? signal}). Last lines of broker.log:\n` +
        tailOf(path.join(kafka.dataDir, 'broker.log'), 40),
    );
    await kafka.stop();
    process.exit(1);
  }
}

const isMain = (() => {
  if (import.meta.main !== undefined) return import.meta.main;
  try {
    return fs.realpathSync(process.argv[1] ?? '') === fs.realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
})();

if (isMain) {
  main().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}

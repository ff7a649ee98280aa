import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { DEMO_CITIZENS } from '@gmp/feature-tech';
import { eventually, integrationEnv } from '@gmp/testing';
import { LOOKUP, post } from './dispatch-client.js';
import { freePort, ServiceProcess } from './service-process.js';

/**
 * Issue 17, item 5: one trace follows a dispatch call across every hop. The three services run as
 * their own processes on the real broker and database and export their spans over OTLP (HTTP, JSON
 * encoding) to a receiver here, as they would to a collector. A licence lookup goes dispatch (HTTP)
 * → Kafka request → tech-capabilities → reply → dispatch, and its access event goes through
 * tech-capabilities' outbox → Kafka → data-platform's audit.
 */
const env = integrationEnv();
const tag = randomBytes(3).toString('hex');

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
}

const SERVER = 2;
const PRODUCER = 4;
const CONSUMER = 5;

describe('one trace across the hops of a dispatch call and of the outbox event it causes', () => {
  const spans: ReceivedSpan[] = [];
  let receiver: Server;
  const services: Record<'tech' | 'data' | 'dispatch', ServiceProcess> = {} as never;
  let dispatchUrl: string;

  beforeAll(async () => {
    // The OTLP/HTTP receiver (what a collector does on :4318), JSON encoding.
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => {
        if (req.url === '/v1/traces') {
          const batch = JSON.parse(body) as {
            resourceSpans: {
              resource: { attributes: { key: string; value: { stringValue?: string } }[] };
              scopeSpans: {
                spans: (Omit<ReceivedSpan, 'service' | 'attributes'> & {
                  attributes?: { key: string; value: Record<string, unknown> }[];
                })[];
              }[];
            }[];
          };
          for (const rs of batch.resourceSpans) {
            const service = rs.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '?';
            for (const ss of rs.scopeSpans)
              for (const s of ss.spans)
                spans.push({
                  ...s,
                  service,
                  parentSpanId: s.parentSpanId ?? '',
                  attributes: Object.fromEntries((s.attributes ?? []).map((a) => [a.key, Object.values(a.value)[0]])),
                });
          }
        }
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    const otlpPort = await freePort();
    await new Promise<void>((r) => receiver.listen(otlpPort, '127.0.0.1', r));
    const own = {
      ...env,
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${otlpPort}`,
      OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
      OTEL_BSP_SCHEDULE_DELAY: '200',
    };
    const ports = { tech: await freePort(), data: await freePort(), dispatch: await freePort() };
    services.tech = new ServiceProcess('tech-capabilities', { ...own, PORT: String(ports.tech), DB_SCHEMA: `tech_trace_${tag}` });
    services.data = new ServiceProcess('data-platform', { ...own, PORT: String(ports.data), DB_SCHEMA: `data_trace_${tag}` });
    services.dispatch = new ServiceProcess('service-dispatch', {
      ...own,
      PORT: String(ports.dispatch),
      DB_SCHEMA: `dispatch_trace_${tag}`,
    });
    await Promise.all(Object.values(services).map((s) => s.start(120_000)));
    dispatchUrl = `http://127.0.0.1:${ports.dispatch}`;
  }, 300_000);

  afterAll(async () => {
    for (const s of Object.values(services)) await s?.kill('SIGTERM');
    await new Promise((r) => receiver?.close(r));
  });

  it('a licence lookup: dispatch HTTP → Kafka → tech-capabilities → reply, and its outbox event → data-platform, all in one trace', async () => {
    const correlationId = `trace-${randomUUID()}`;
    const answer = await eventually(
      async () => {
        const a = await post(
          `${dispatchUrl}${LOOKUP}`,
          { holderType: 'person', holderId: DEMO_CITIZENS[0]!.id },
          { 'x-correlation-id': correlationId },
        );
        return a.status === 200 ? a : null;
      },
      60_000,
      1000,
    );
    expect(answer.body.licences.length).toBeGreaterThan(0);

    const root = await eventually(
      async () =>
        spans.find((s) => s.service === 'service-dispatch' && s.kind === SERVER && s.attributes['gmp.correlation_id'] === correlationId) ??
        null,
      30_000,
      200,
    );
    const expected = [
      { service: 'service-dispatch', kind: SERVER, name: /^POST \/v1\/capabilities\// },
      { service: 'service-dispatch', kind: PRODUCER, name: /^send rpc\.tech-capabilities\.requests/ },
      { service: 'tech-capabilities', kind: CONSUMER, name: /^process tech\.licence\.query-by-holder/ },
      { service: 'service-dispatch', kind: CONSUMER, name: /^receive rpc\.service-dispatch\.replies/ },
      { service: 'tech-capabilities', kind: PRODUCER, name: /^publish .*licence\.accessed/ },
      { service: 'data-platform', kind: CONSUMER, name: /^process .*licence\.accessed/i },
    ];
    const trace = await eventually(
      async () => {
        const mine = spans.filter((s) => s.traceId === root.traceId);
        return expected.every((e) => mine.some((s) => s.service === e.service && s.kind === e.kind && e.name.test(s.name))) ? mine : null;
      },
      60_000,
      250,
    ).catch((err: Error) => {
      const mine = spans.filter((s) => s.traceId === root.traceId).map((s) => `${s.service} ${s.kind} ${s.name}`);
      throw new Error(`${err.message}\nspans of the trace:\n${mine.join('\n')}`);
    });

    // One tree: every span but the root has its parent in the trace; the root is dispatch's HTTP span.
    const ids = new Set(trace.map((s) => s.spanId));
    expect(trace.filter((s) => !s.parentSpanId).map((s) => s.spanId)).toEqual([root.spanId]);
    expect(trace.filter((s) => s.parentSpanId && !ids.has(s.parentSpanId)).map((s) => `${s.service} ${s.name}`)).toEqual([]);
    // The outbox relay's own queries serve every call at once: in no call's trace.
    expect(trace.filter((s) => /outbox-(claim|delete)/.test(s.name)).map((s) => s.name)).toEqual([]);
    // Database work is in it too, on both sides (the provider's read and the audit's write).
    for (const service of ['tech-capabilities', 'data-platform'])
      expect(
        trace.filter((s) => s.service === service && (s.attributes['db.system.name'] ?? s.attributes['db.system']) === 'postgresql').length,
      ).toBeGreaterThan(0);
    // The hops are ordered as the call went: each consumer's span is a descendant of the producer that sent to it.
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const ancestors = (s: ReceivedSpan): ReceivedSpan[] => {
      const chain: ReceivedSpan[] = [];
      for (let p = byId.get(s.parentSpanId); p; p = byId.get(p.parentSpanId)) chain.push(p);
      return chain;
    };
    const audit = trace.find((s) => s.service === 'data-platform' && s.kind === CONSUMER)!;
    expect(ancestors(audit).map((s) => `${s.service} ${s.kind}`)).toEqual(
      expect.arrayContaining([
        `tech-capabilities ${PRODUCER}`,
        `tech-capabilities ${CONSUMER}`,
        `service-dispatch ${PRODUCER}`,
        `service-dispatch ${SERVER}`,
      ]),
    );
  }, 180_000);

  it('continues a caller’s traceparent, and a caller’s long tracestate and baggage neither fail the call nor travel on: the audit event arrives in the caller’s trace', async () => {
    const traceId = randomBytes(16).toString('hex');
    const correlationId = `trace-caller-${randomUUID()}`;
    const answer = await post(
      `${dispatchUrl}${LOOKUP}`,
      { holderType: 'person', holderId: DEMO_CITIZENS[1]!.id },
      {
        'x-correlation-id': correlationId,
        traceparent: `00-${traceId}-${randomBytes(8).toString('hex')}-01`,
        tracestate: Array.from({ length: 40 }, (_, i) => `v${i}=${'x'.repeat(10)}`).join(','),
        baggage: `k=${'b'.repeat(8000)}`,
      },
    );
    expect(answer.status).toBe(200);
    const trace = await eventually(
      async () => {
        const mine = spans.filter((s) => s.traceId === traceId);
        return mine.some((s) => s.service === 'data-platform' && s.kind === CONSUMER) ? mine : null;
      },
      60_000,
      250,
    );
    const server = trace.find((s) => s.service === 'service-dispatch' && s.kind === SERVER)!;
    expect(server.attributes['gmp.correlation_id']).toBe(correlationId);
    // The caller's span is the parent of dispatch's (continued, not restarted).
    expect(server.parentSpanId).toMatch(/^[0-9a-f]{16}$/);
  }, 120_000);
});

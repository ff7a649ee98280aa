import { Writable } from 'node:stream';
import { JsonLogger } from './json-logger.js';
import { runWithContext } from './request-context.js';
import {
  contextFromCaller,
  contextFromHeaders,
  currentTraceIds,
  inSpan,
  outsideTrace,
  parseStoredTraceContext,
  SpanKind,
  startTracing,
  stopTracing,
  storableTraceContext,
  traceHeaders,
} from './tracing.js';

/** The OpenTelemetry SDK for real (spans go to an OTLP address where nothing listens; export failures are its own business). */
describe('tracing', () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  const logger = new JsonLogger('tracing-spec', 'info', sink);

  it('is off without an OTLP endpoint: no trace ids, no headers', async () => {
    expect(await startTracing('tracing-spec', {})).toBe(false);
    await inSpan('off', SpanKind.INTERNAL, {}, async () => {
      expect(currentTraceIds()).toBeNull();
      expect(traceHeaders()).toEqual({});
    });
  });

  describe('with an endpoint', () => {
    beforeAll(async () => {
      expect(await startTracing('tracing-spec', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' })).toBe(true);
    });
    afterAll(() => stopTracing());

    it('puts the trace and span ids, beside the correlation id, on every log line written within a span, and none outside', async () => {
      lines.length = 0;
      let ids: { traceId: string; spanId: string } | null = null;
      await runWithContext({ correlationId: 'corr-1' }, () =>
        inSpan('work', SpanKind.INTERNAL, {}, async () => {
          ids = currentTraceIds();
          logger.log('inside');
          await new Promise((r) => setTimeout(r, 5));
          logger.warn('after an await, still inside');
        }),
      );
      logger.log('outside');
      logger.flush();
      await new Promise((r) => setImmediate(r));
      expect(ids).not.toBeNull();
      const byMsg = Object.fromEntries(lines.map((l) => [l['msg'], l]));
      for (const msg of ['inside', 'after an await, still inside']) {
        expect(byMsg[msg]).toMatchObject({ correlationId: 'corr-1', traceId: ids!.traceId, spanId: ids!.spanId });
        expect(byMsg[msg]!['traceId']).toMatch(/^[0-9a-f]{32}$/);
      }
      expect(byMsg['outside']).not.toHaveProperty('traceId');
    });

    it('continues a trace from headers (W3C traceparent, string or Buffer values), and outsideTrace leaves it', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      for (const value of [`00-${traceId}-00f067aa0ba902b7-01`, Buffer.from(`00-${traceId}-00f067aa0ba902b7-01`)]) {
        await inSpan(
          'child',
          SpanKind.CONSUMER,
          {},
          async () => {
            expect(currentTraceIds()?.traceId).toBe(traceId);
            expect(traceHeaders()['traceparent']).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
            outsideTrace(() => expect(currentTraceIds()).toBeNull());
          },
          contextFromHeaders({ traceparent: value }),
        );
      }
      // A malformed traceparent starts a new trace instead of failing.
      await inSpan(
        'fresh',
        SpanKind.CONSUMER,
        {},
        async () => expect(currentTraceIds()?.traceId).not.toBe(traceId),
        contextFromHeaders({ traceparent: 'garbage' }),
      );
    });

    it('stores at most 512 characters of trace context whatever the caller sent, keeps no baggage, and reads a damaged one back as none', async () => {
      const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
      const traceparent = `00-${traceId}-00f067aa0ba902b7-01`;
      for (const tracestate of ['', 'a=1', Array.from({ length: 32 }, (_, i) => `k${i}=${'v'.repeat(12)}`).join(',')]) {
        await inSpan(
          'outbox write',
          SpanKind.INTERNAL,
          {},
          async () => {
            const stored = storableTraceContext();
            expect(stored!.length).toBeLessThanOrEqual(512);
            const back = parseStoredTraceContext(stored)!;
            expect(back['traceparent']).toMatch(new RegExp(`^00-${traceId}-`));
            expect(Object.keys(back).sort()).toEqual(
              tracestate && JSON.stringify({ traceparent, tracestate }).length <= 512 ? ['traceparent', 'tracestate'] : ['traceparent'],
            );
            expect(traceHeaders()).not.toHaveProperty('baggage');
          },
          contextFromHeaders({ traceparent, ...(tracestate ? { tracestate } : {}), baggage: `k=${'b'.repeat(8000)}` }),
        );
      }
      for (const damaged of ['', 'not json', '{"x":1}', '[1]', 'null']) expect(parseStoredTraceContext(damaged)).toBeNull();
    });

    it('takes only a caller’s traceparent at the edge (no tracestate, no baggage; an overlong one is ignored)', async () => {
      const traceId = '0af7651916cd43dd8448eb211c80319c';
      const ctx = contextFromCaller({ traceparent: `00-${traceId}-b7ad6b7169203331-01`, tracestate: 'x=1', baggage: 'k=v' });
      await inSpan(
        'edge',
        SpanKind.SERVER,
        {},
        async () => {
          expect(currentTraceIds()?.traceId).toBe(traceId);
          expect(traceHeaders()).not.toHaveProperty('tracestate');
        },
        ctx,
      );
      const ignored = contextFromCaller({ traceparent: `00-${traceId}-b7ad6b7169203331-01${'0'.repeat(100)}` });
      await inSpan('edge', SpanKind.SERVER, {}, async () => expect(currentTraceIds()?.traceId).not.toBe(traceId), ignored);
    });
  });
});

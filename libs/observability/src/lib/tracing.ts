import {
  type Attributes,
  context,
  type Context,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type TextMapGetter,
} from '@opentelemetry/api';
import type { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * OpenTelemetry traces. A service exports spans (OTLP; OTEL_EXPORTER_OTLP_ENDPOINT and the other
 * OTEL_* variables of the specification) when an endpoint is set; otherwise the API stays a no-op
 * and none of the calls below costs more than a function call. The platform's own entry and exit
 * points open the spans — HTTP requests, Kafka requests and replies, outbox events and their
 * consumers — and carry the W3C trace context (`traceparent`) in HTTP and Kafka headers, so one
 * trace follows a call from dispatch's HTTP request across every Kafka hop to the provider, back,
 * and on to the consumers of the events it caused; PostgreSQL queries are spans of their own.
 */
let sdk: NodeSDK | null = null;

export const TRACER_NAME = 'gov-middle-platform';

/**
 * Starts exporting traces once per process, if an OTLP endpoint is configured; returns whether
 * tracing is on. The SDK is loaded only then (a service without it does not carry it in memory).
 * Call it before the database driver is loaded, so its queries are traced.
 */
export async function startTracing(serviceName: string, env: Record<string, string | undefined> = process.env): Promise<boolean> {
  if (sdk) return true;
  const endpoint = env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? env['OTEL_EXPORTER_OTLP_ENDPOINT'];
  if (!endpoint || env['OTEL_SDK_DISABLED'] === 'true') return false;
  const [{ NodeSDK }, { PgInstrumentation }, { W3CTraceContextPropagator }] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/core'),
  ]);
  if (sdk) return true;
  sdk = new NodeSDK({
    serviceName: env['OTEL_SERVICE_NAME'] ?? serviceName,
    // Traces only: metrics are Prometheus' (/metrics), logs go to stdout as JSON lines with their trace id.
    metricReaders: [],
    logRecordProcessors: [],
    // W3C trace context only (traceparent, tracestate): no baggage riding on every message unless the operator asks (OTEL_PROPAGATORS).
    ...(env['OTEL_PROPAGATORS'] ? {} : { textMapPropagator: new W3CTraceContextPropagator() }),
    instrumentations: [new PgInstrumentation({ requireParentSpan: true })],
  });
  sdk.start();
  return true;
}

/** Exports what is buffered and stops (at shutdown). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = null;
  await running?.shutdown().catch(() => undefined);
}

type Carrier = Record<string, unknown>;

/** Reads string or Buffer header values (HTTP headers are strings, Kafka headers Buffers). */
const headerGetter: TextMapGetter<Carrier> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const value = carrier[key];
    if (Array.isArray(value)) return value.map(String);
    return value === undefined || value === null ? undefined : Buffer.isBuffer(value) ? value.toString('utf8') : String(value);
  },
};

/** The trace context carried by these headers (or none). */
export function contextFromHeaders(headers: Carrier | undefined): Context {
  return headers ? propagation.extract(ROOT_CONTEXT, headers, headerGetter) : ROOT_CONTEXT;
}

/**
 * The trace a caller from outside asks to continue: its `traceparent` only (a caller's tracestate
 * and baggage are not carried into the platform's messages and outboxes).
 */
export function contextFromCaller(headers: Carrier): Context {
  const traceparent = headers['traceparent'];
  return typeof traceparent === 'string' && traceparent.length <= 64 ? contextFromHeaders({ traceparent }) : ROOT_CONTEXT;
}

/**
 * The current trace context to store with an event (the outbox's `trace_context`), as JSON of at
 * most `maxLength` characters: `traceparent`, and `tracestate` when it fits; null when not tracing.
 */
export function storableTraceContext(maxLength = 512): string | null {
  const { traceparent, tracestate } = traceHeaders();
  if (!traceparent) return null;
  const full = JSON.stringify(tracestate ? { traceparent, tracestate } : { traceparent });
  return full.length <= maxLength ? full : JSON.stringify({ traceparent });
}

/** Reads a stored trace context back (a malformed one is none). */
export function parseStoredTraceContext(stored: string | null): Record<string, string> | null {
  if (!stored) return null;
  try {
    const value = JSON.parse(stored) as unknown;
    return value && typeof value === 'object' && typeof (value as Record<string, unknown>)['traceparent'] === 'string'
      ? (value as Record<string, string>)
      : null;
  } catch {
    return null;
  }
}

/** The current trace context as headers (`traceparent`, `tracestate`), to send along; empty when not tracing. */
export function traceHeaders(from: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  propagation.inject(from, carrier);
  return carrier;
}

/** The headers that make `span` (a child of `parent`) the parent of what receives them. */
export function spanHeaders(span: Span, parent: Context): Record<string, string> {
  return traceHeaders(trace.setSpan(parent, span));
}

/** The current span's trace and span id, for log lines (none when not tracing). */
export function currentTraceIds(): { traceId: string; spanId: string } | null {
  const span = trace.getActiveSpan();
  const ids = span?.spanContext();
  return ids && trace.isSpanContextValid(ids) && span!.isRecording() ? { traceId: ids.traceId, spanId: ids.spanId } : null;
}

/** Starts a span (a child of `parent`, by default the current context) that the caller ends. */
export function openSpan(name: string, kind: SpanKind, attributes: Attributes = {}, parent: Context = context.active()): Span {
  return trace.getTracer(TRACER_NAME).startSpan(name, { kind, attributes }, parent);
}

/** Runs `fn` within a new span (a child of `parent`), ending it when `fn` settles; a thrown error marks it failed. */
export async function inSpan<T>(
  name: string,
  kind: SpanKind,
  attributes: Attributes,
  fn: (span: Span) => Promise<T>,
  parent: Context = context.active(),
): Promise<T> {
  const span = openSpan(name, kind, attributes, parent);
  try {
    return await context.with(trace.setSpan(parent, span), () => fn(span));
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message });
    throw err;
  } finally {
    span.end();
  }
}

/** Runs `fn` outside any trace (shared background work started from within a call, such as the outbox relay). */
export function outsideTrace<T>(fn: () => T): T {
  return context.with(ROOT_CONTEXT, fn);
}

/** Runs `fn` with `span` as the current span (for callbacks such as Fastify's `done`). */
export function withSpan<T>(span: Span, parent: Context, fn: () => T): T {
  return context.with(trace.setSpan(parent, span), fn);
}

export { SpanKind, SpanStatusCode };
export type { Span, Context };

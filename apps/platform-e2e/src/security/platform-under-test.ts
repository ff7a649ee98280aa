import { businessPlatformService } from '@gmp/feature-business';
import { dataPlatformService } from '@gmp/feature-data';
import { serviceDispatchService } from '@gmp/feature-dispatch';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { eventually, inOwnSchema, integrationEnv, TEST_INTERNAL_API_TOKEN } from '@gmp/testing';
import { freePort } from '../service-process.js';
import { type OpenApiDocument, synthesise } from './openapi-routes.js';
import { rawRequest } from './raw-http.js';

export interface ServiceUnderTest {
  name: string;
  url: string;
  running: RunningService;
}

/** The four services in cluster mode (Kafka + PostgreSQL + Redis), demo data seeded, dispatch accepting the provider's tokens. */
export interface PlatformUnderTest {
  dispatch: ServiceUnderTest;
  tech: ServiceUnderTest;
  data: ServiceUnderTest;
  business: ServiceUnderTest;
  all: ServiceUnderTest[];
  /** The OpenID provider on tech-capabilities. */
  issuer: string;
  close(): Promise<void>;
}

/**
 * Starts tech-capabilities (on a known port: it is the OpenID issuer), data-platform,
 * business-platform and service-dispatch (OIDC_ISSUER set), each in a schema of its own.
 * Dispatch's per-app rate is raised so that the hostile requests of one test run reach the
 * handlers instead of bouncing off 429 (limits have their own tests).
 */
export async function startPlatform(): Promise<PlatformUnderTest> {
  const techPort = await freePort();
  const issuer = `http://127.0.0.1:${techPort}/oidc`;
  const started: RunningService[] = [];
  try {
    const tech = await startService(inOwnSchema(techCapabilitiesService), integrationEnv({ PORT: String(techPort) }));
    started.push(tech);
    const data = await startService(inOwnSchema(dataPlatformService), integrationEnv());
    started.push(data);
    const business = await startService(inOwnSchema(businessPlatformService), integrationEnv());
    started.push(business);
    const dispatch = await startService(
      inOwnSchema(serviceDispatchService),
      integrationEnv({ OIDC_ISSUER: issuer, DISPATCH_RATE_PER_SECOND: '100000' }),
    );
    started.push(dispatch);
    const of = (name: string, running: RunningService): ServiceUnderTest => ({ name, url: running.url, running });
    const platform: PlatformUnderTest = {
      dispatch: of('service-dispatch', dispatch),
      tech: of('tech-capabilities', tech),
      data: of('data-platform', data),
      business: of('business-platform', business),
      all: [],
      issuer,
      close: async () => {
        for (const s of [...started].reverse()) await s.close().catch(() => undefined);
      },
    };
    platform.all = [platform.dispatch, platform.tech, platform.data, platform.business];
    // The capabilities tech-capabilities announces reach dispatch's registry through Kafka.
    await eventually(
      async () => {
        const res = await fetch(`${dispatch.url}/v1/capabilities`);
        const body = (await res.json()) as { capabilities?: unknown[] };
        return (body.capabilities?.length ?? 0) >= 10;
      },
      60_000,
      250,
    );
    return platform;
  } catch (err) {
    for (const s of started.reverse()) await s.close().catch(() => undefined);
    throw err;
  }
}

/** Each service's OpenAPI document, as it serves it now. */
export async function openApiOf(service: ServiceUnderTest): Promise<OpenApiDocument> {
  const res = await fetch(`${service.url}/docs/openapi.json`);
  if (res.status !== 200) throw new Error(`${service.name}: /docs/openapi.json answered ${res.status}`);
  return (await res.json()) as OpenApiDocument;
}

/** The internal token headers (operators, owners). */
export const INTERNAL_HEADERS = { 'x-internal-token': TEST_INTERNAL_API_TOKEN, 'x-caller': 'e2e-security' };

/** Every capability dispatch publishes, with its documented example input (or one built from its input schema). */
export async function capabilityExamples(dispatchUrl: string): Promise<{ code: string; example: unknown }[]> {
  const catalogue = (
    (await (await fetch(`${dispatchUrl}/v1/capabilities`)).json()) as { capabilities: { code: string; example: unknown }[] }
  ).capabilities;
  return Promise.all(
    catalogue.map(async (c) => {
      if (c.example !== null && c.example !== undefined) return { code: c.code, example: c.example };
      const one = (await (await fetch(`${dispatchUrl}/v1/capabilities/${encodeURIComponent(c.code)}`)).json()) as {
        versions: { inputSchema?: object }[];
      };
      return { code: c.code, example: synthesise(null, one.versions[0]?.inputSchema ?? {}) };
    }),
  );
}

/** The legal bases granted to an app (its credentials in `authorization`), with the capabilities each opens. */
export async function legalBasesOf(dispatchUrl: string, authorization: string): Promise<{ code: string; capabilities: string[] }[]> {
  const res = await fetch(`${dispatchUrl}/v1/legal-bases`, { headers: { authorization } });
  if (res.status !== 200) return [];
  return ((await res.json()) as { legalBases?: { code: string; capabilities: string[] }[] }).legalBases ?? [];
}

/** The final state of an asynchronous call (`resultUrl` of a 202), polled as the caller for up to 20 s. */
export async function asyncOutcome(base: string, path: string, headers: [string, string][]) {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const a = await rawRequest({ method: 'GET', base, target: path, headers });
    if (a.status !== 200 || !/"status":"(accepted|running)"/.test(a.body) || Date.now() > deadline) return a;
    await new Promise((r) => setTimeout(r, 250));
  }
}

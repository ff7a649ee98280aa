import { createHash, randomBytes } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Module, Param, Post, Query, Req, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { IsObject, IsOptional, IsString, Length } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { MESSAGING_MIGRATIONS, OutboxRecord, ProcessedMessage } from '@gmp/messaging';
import { InternalApiGuard } from './internal-api.guard.js';
import { type RunningService, startService } from './service-bootstrap.js';
import type { ServiceDefinition } from './service-definition.js';

class EchoBody {
  @IsString() @Length(1, 64) name!: string;
  @IsOptional() @IsObject() extra?: Record<string, unknown>;
}

/** A route that takes a JSON body into PostgreSQL (as every service's routes do) and tells what raw bytes it saw. */
@Controller('v1/echo')
class EchoController {
  constructor(@InjectDataSource() private readonly db: DataSource) {}

  @Post()
  @HttpCode(200)
  async echo(@Body() input: EchoBody, @Req() request: FastifyRequest) {
    const [row] = (await this.db.query('SELECT $1::text AS name, $2::jsonb AS extra', [input.name, JSON.stringify(input.extra ?? {})])) as {
      name: string;
    }[];
    const raw = (request as unknown as { rawBody?: Buffer }).rawBody;
    return { name: row!.name, rawBodySha256: raw ? createHash('sha256').update(raw).digest('hex') : null };
  }

  @Get(':id')
  async get(@Param('id') id: string, @Query('q') q?: string) {
    const [row] = (await this.db.query('SELECT $1::text AS id, $2::text AS q', [id, q ?? null])) as { id: string; q: string | null }[];
    return row;
  }
}

@Controller('internal/v1/echo')
@UseGuards(InternalApiGuard)
class InternalEchoController {
  @Post()
  echo(@Body() input: EchoBody) {
    return { name: input.name };
  }
}

@Module({ controllers: [EchoController, InternalEchoController] })
class EchoModule {}

const INTERNAL_TOKEN = 'test-only-internal-api-token';

/**
 * One real service started by the shared bootstrap (PostgreSQL, the in-process transport):
 * what every route of every service gets from it — the body parser's limits, the root index,
 * the OpenAPI document's security schemes.
 */
describe('service bootstrap over HTTP', () => {
  let service: RunningService;
  const schema = `kit_t${randomBytes(3).toString('hex')}`;
  const definition: ServiceDefinition = {
    name: 'kit-test',
    title: '测试服务 (kit test service)',
    schema,
    defaultPort: 0,
    feature: EchoModule,
    entities: [OutboxRecord, ProcessedMessage],
    migrations: MESSAGING_MIGRATIONS,
    requests: [],
    publishes: [],
    consumes: [],
    rawBody: true,
  };

  beforeAll(async () => {
    const databaseUrl = process.env['DATABASE_URL'];
    if (!databaseUrl) throw new Error('DATABASE_URL missing: integration tests run through jest.global-setup');
    service = await startService(definition, {
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      TRANSPORT: 'inprocess',
      SUBJECT_KEY_SECRET: 'test-only-subject-key-secret',
      INTERNAL_API_TOKEN: INTERNAL_TOKEN,
      PORT: '0',
      HOST: '127.0.0.1',
      DB_POOL_SIZE: '2',
      LOG_LEVEL: process.env['TEST_LOG_LEVEL'] ?? 'fatal',
    });
  }, 60_000);

  afterAll(async () => {
    if (!service) return;
    const db = service.app.get(DataSource);
    await db.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).catch(() => undefined);
    await service.close();
  });

  const send = async (path: string, body: string, headers: Record<string, string> = {}) => {
    const res = await fetch(`${service.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: (text ? JSON.parse(text) : null) as Record<string, any>,
    };
  };

  it('takes an ordinary body, and keeps its bytes as received for signatures', async () => {
    const text = '{ "name" : "张三",\n  "extra": {"a": [1, {"b": "😀"}]} }';
    const answer = await send('/v1/echo', text);
    expect(answer).toMatchObject({ status: 200, body: { name: '张三', rawBodySha256: createHash('sha256').update(text).digest('hex') } });
  });

  it.each([
    ['5,000 levels of {"a":', `{"name":"x","extra":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`],
    ['5,000 levels of [', `{"name":"x","extra":{"a":${'['.repeat(5000)}${']'.repeat(5000)}}}`],
    ['65 levels', `{"name":"x","extra":${'{"a":'.repeat(63)}{}${'}'.repeat(63)}}`],
  ])('answers %s with 400 problem+json BODY_TOO_DEEP, on public and internal routes alike', async (_name, body) => {
    for (const [path, headers] of [
      ['/v1/echo', {}],
      ['/internal/v1/echo', { 'x-internal-token': INTERNAL_TOKEN }],
      ['/internal/v1/echo', {}],
    ] as const) {
      const answer = await send(path, body, headers);
      expect({ path, status: answer.status, type: answer.type, code: answer.body['code'] }).toEqual({
        path,
        status: 400,
        type: expect.stringContaining('application/problem+json'),
        code: 'BODY_TOO_DEEP',
      });
      expect(answer.body).toMatchObject({
        type: 'urn:gov-mp:problem:body-too-deep',
        title: expect.stringContaining('deeper than 64 levels'),
        instance: path,
        correlationId: expect.any(String),
      });
    }
  });

  it('takes 64 levels', async () => {
    expect((await send('/v1/echo', `{"name":"x","extra":${'{"a":'.repeat(62)}{}${'}'.repeat(62)}}`)).status).toBe(200);
  });

  it.each([
    ['NUL in a value', '{"name":"a\\u0000b"}', 'name', /NUL/],
    ['NUL in a key', '{"name":"x","extra":{"k\\u0000":1}}', 'extra["k\\u0000"]', /NUL/],
    ['a lone surrogate', '{"name":"x","extra":{"a":["\\ud800"]}}', 'extra.a[0]', /surrogate/],
  ])(
    'answers %s with 400 problem+json INVALID_CHARACTERS naming the path (not a 500 from PostgreSQL)',
    async (_name, body, field, message) => {
      const answer = await send('/v1/echo', body);
      expect(answer.status).toBe(400);
      expect(answer.type).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'INVALID_CHARACTERS', errors: [{ field, message: expect.stringMatching(message) }] });
    },
  );

  it('answers NUL in a query value or path parameter with 400 INVALID_CHARACTERS', async () => {
    expect((await fetch(`${service.url}/v1/echo/abc?q=ok`)).status).toBe(200);
    const query = await fetch(`${service.url}/v1/echo/abc?q=a%00b`);
    expect(query.status).toBe(400);
    expect(await query.json()).toMatchObject({ code: 'INVALID_CHARACTERS', errors: [{ field: 'query.q' }] });
    const param = await fetch(`${service.url}/v1/echo/a%00b`);
    expect(param.status).toBe(400);
    expect(await param.json()).toMatchObject({ code: 'INVALID_CHARACTERS', errors: [{ field: 'params.id' }] });
  });

  it('keeps invalid JSON and prototype poisoning a 400, and a valid surrogate pair accepted', async () => {
    expect(await send('/v1/echo', '{not json')).toMatchObject({ status: 400, body: { code: 'INVALID_REQUEST' } });
    expect(await send('/v1/echo', '{"name":"x","__proto__":{"admin":true}}')).toMatchObject({
      status: 400,
      body: { code: 'INVALID_REQUEST', detail: expect.stringMatching(/prototype/) },
    });
    expect(await send('/v1/echo', '{"name":"\\ud83d\\ude00"}')).toMatchObject({ status: 200, body: { name: '😀' } });
  });

  it('serves an index of the service at /, as JSON and as HTML for a browser', async () => {
    const json = await fetch(`${service.url}/`);
    expect(json.status).toBe(200);
    expect(json.headers.get('content-type')).toContain('application/json');
    const index = (await json.json()) as { service: string; version: string; links: { rel: string; href: string }[] };
    expect(index).toMatchObject({ service: 'kit-test', title: '测试服务 (kit test service)', version: '0.1.0' });
    expect(index.links.map((l) => l.href)).toEqual(['/docs', '/docs/openapi.json', '/health/live', '/health/ready']);
    for (const link of index.links)
      expect({ href: link.href, status: (await fetch(`${service.url}${link.href}`)).status }).toEqual({ href: link.href, status: 200 });

    const html = await fetch(`${service.url}/`, { headers: { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' } });
    expect(html.headers.get('content-type')).toContain('text/html');
    const page = await html.text();
    expect(page).toContain('<a href="/docs/openapi.json">');
    expect(page).toContain('测试服务 (kit test service)');
    expect(page).toContain('docs/operations.md');
  });

  it('publishes security schemes in the OpenAPI document: the internal token on /internal routes', async () => {
    const document = (await (await fetch(`${service.url}/docs/openapi.json`)).json()) as Record<string, any>;
    expect(document['components'].securitySchemes).toEqual({
      internalToken: expect.objectContaining({ type: 'apiKey', in: 'header', name: 'X-Internal-Token' }),
    });
    expect(document['paths']['/internal/v1/echo'].post.security).toEqual([{ internalToken: [] }]);
    expect(document['paths']['/v1/echo'].post.security).toBeUndefined();
    expect(document['paths']['/']).toBeUndefined();
  });
});

import { Controller, Get, Inject, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Version of the platform, shown at `/` and in the OpenAPI document. */
export const PLATFORM_VERSION = '0.1.0';

export const SERVICE_INDEX = Symbol('SERVICE_INDEX');

/** What the root URL names: the service (its definition's name and title) and the platform version. */
export interface ServiceIndexInfo {
  name: string;
  title: string;
  version: string;
}

export interface ServiceIndexLink {
  rel: string;
  href: string;
  title: string;
}

/** The links every service answers with at `/` (paths on the service itself). */
export const SERVICE_LINKS: readonly ServiceIndexLink[] = [
  { rel: 'docs', href: '/docs', title: '接口文档 (API docs, Swagger UI)' },
  { rel: 'openapi', href: '/docs/openapi.json', title: 'OpenAPI 文档 (OpenAPI document, JSON)' },
  { rel: 'health-live', href: '/health/live', title: '存活检查 (liveness)' },
  { rel: 'health-ready', href: '/health/ready', title: '就绪检查 (readiness: database and message transport)' },
];

/** The project's documentation, as paths in its repository. */
export const PROJECT_DOCS: readonly { path: string; title: string }[] = [
  { path: 'README.md', title: '项目说明与快速上手 (overview and quick start)' },
  { path: 'docs/architecture.md', title: '架构 (architecture)' },
  { path: 'docs/operations.md', title: '运维：配置、健康检查、日志 (operations: configuration, health, logs)' },
  { path: 'docs/dispatch.md', title: '服务调度 (service dispatch)' },
  { path: 'docs/identity.md', title: '统一身份认证 (unified identity)' },
  { path: 'docs/capabilities.md', title: '技术能力 (technology capabilities)' },
  { path: 'docs/security.md', title: '安全规则 (security rules)' },
  { path: 'docs/topics.md', title: 'Kafka 主题 (Kafka topics)' },
];

/**
 * `GET /`: a small index of the service — its name, version and where to go next (API docs,
 * the OpenAPI document, health, the project docs) — as JSON, or as an HTML page for a browser.
 */
@ApiExcludeController()
@Controller()
export class ServiceIndexController {
  constructor(@Inject(SERVICE_INDEX) private readonly info: ServiceIndexInfo) {}

  @Get()
  index(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const body = {
      service: this.info.name,
      title: this.info.title,
      version: this.info.version,
      platform: '政务中台 (digital-government middle platform)',
      links: SERVICE_LINKS,
      projectDocs: PROJECT_DOCS,
    };
    void reply.header('vary', 'Accept');
    if (prefersHtml(request.headers.accept)) {
      void reply.type('text/html; charset=utf-8').send(indexPage(body.title, body.service, body.version));
      return;
    }
    void reply.type('application/json; charset=utf-8').send(body);
  }
}

/** HTML when the client names text/html explicitly and ranks it above JSON (a browser); JSON otherwise (curl's `*\/*`, ties). */
export function prefersHtml(accept: string | undefined): boolean {
  if (!accept) return false;
  let html = 0;
  let json = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    const media = type.trim();
    if (media === 'text/html') html = Math.max(html, q);
    else if (media === 'application/json' || media === 'application/*' || media === '*/*') json = Math.max(json, q);
  }
  return html > 0 && html > json;
}

function indexPage(title: string, name: string, version: string): string {
  const links = SERVICE_LINKS.map(
    (l) => `<li><a href="${escapeHtml(l.href)}">${escapeHtml(l.title)}</a> <code>${escapeHtml(l.href)}</code></li>`,
  ).join('\n');
  const docs = PROJECT_DOCS.map((d) => `<li><code>${escapeHtml(d.path)}</code> — ${escapeHtml(d.title)}</li>`).join('\n');
  return `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — 政务中台</title>
<style>body{font-family:system-ui,sans-serif;max-width:46rem;margin:2rem auto;padding:0 1rem;line-height:1.6}code{background:#f3f3f3;padding:0 .25rem}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>政务中台 (digital-government middle platform) · <code>${escapeHtml(name)}</code> · 版本 (version) ${escapeHtml(version)}</p>
<h2>链接 (links)</h2>
<ul>
${links}
</ul>
<h2>项目文档 (project docs, in the repository)</h2>
<ul>
${docs}
</ul>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

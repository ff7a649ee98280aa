import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { DepartmentsByNameReply, Topic, validateMessage } from '@gmp/contracts';
import { CapabilityClient, describeError } from '@gmp/messaging';
import { BizMatter } from '../matters/matters.entities.js';
import { BizDepartment } from './department.entity.js';
import { BusinessConfig } from '../business.config.js';
import { BackOfficeProblem } from './back-office.problems.js';

const EVERY_MS = 5 * 60_000;
const RETRY_MS = 15_000;
const TIMEOUT_MS = 5_000;

/**
 * Places the departments that matters name in the staff directory's tree, so that a staff
 * member's data scope (their token's `dept_path`, custom paths) decides which parts they see.
 * Identity is asked over Kafka (`tech.identity.departments-by-name.v1`) at start, every five
 * minutes, and on demand (`POST /internal/v1/business/departments/sync`); the answer is kept in
 * `biz_department`, so the back office never waits for identity. A name identity does not hold,
 * or holds twice, is kept as `unknown` / `ambiguous`: its parts are seen only by `all` scopes.
 */
@Injectable()
export class DepartmentDirectoryService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('DepartmentDirectory');
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly capabilities: CapabilityClient,
    private readonly settings: BusinessConfig,
  ) {}

  onApplicationBootstrap(): void {
    const run = (): void => {
      this.sync().then(
        () => this.schedule(run, EVERY_MS),
        (err: Error) => {
          this.log.warn(`部门目录同步失败，稍后重试 (department sync failed, retrying): ${err.message}`);
          this.schedule(run, RETRY_MS);
        },
      );
    };
    this.schedule(run, 1_000);
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  list(): Promise<BizDepartment[]> {
    return this.dataSource.getRepository(BizDepartment).find({ order: { name: 'ASC' } });
  }

  /** Asks identity where every department named by a matter sits (and the service centre, which works whole cases' ratings); answers what is now kept. */
  async sync(): Promise<BizDepartment[]> {
    const named = (
      await this.dataSource.getRepository(BizMatter).createQueryBuilder('m').select('DISTINCT m.department', 'name').getRawMany<{
        name: string;
      }>()
    ).map((r) => r.name);
    const names = [...new Set([...named, this.settings.BUSINESS_SERVICE_CENTRE])];
    if (names.length === 0) return [];
    let raw: unknown;
    try {
      raw = await this.capabilities.request(
        Topic.IdentityDepartments,
        null,
        {
          meta: { messageId: randomUUID(), correlationId: randomUUID(), app: 'business-platform', sentAt: new Date().toISOString() },
          input: { names: names.slice(0, 500) },
        },
        TIMEOUT_MS,
      );
    } catch (err) {
      throw BackOfficeProblem.DIRECTORY_UNAVAILABLE(describeError(err).slice(0, 300));
    }
    const reply = validateMessage(DepartmentsByNameReply, raw);
    if (!reply.ok)
      throw BackOfficeProblem.DIRECTORY_UNAVAILABLE(`应答不合规 (a malformed answer): ${JSON.stringify(reply.errors).slice(0, 300)}`);
    const now = new Date();
    const rows: BizDepartment[] = names.map((name) => {
      const found = reply.value.departments.filter((d) => d.name === name);
      if (found.length === 1) return { name, identityId: found[0]!.id, path: found[0]!.path, status: 'resolved', checkedAt: now };
      return { name, identityId: null, path: null, status: found.length === 0 ? 'unknown' : 'ambiguous', checkedAt: now };
    });
    await this.dataSource.getRepository(BizDepartment).upsert(rows, ['name']);
    const unplaced = rows.filter((r) => r.status !== 'resolved');
    if (unplaced.length > 0)
      this.log.warn(
        `这些部门在统一身份中找不到或重名，其办件仅全部数据权限可见 (departments not placed in identity's tree; only 'all' scopes see their parts): ${unplaced.map((r) => `${r.name} (${r.status})`).join(', ')}`,
      );
    return rows;
  }

  private schedule(run: () => void, ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(run, ms);
    this.timer.unref();
  }
}

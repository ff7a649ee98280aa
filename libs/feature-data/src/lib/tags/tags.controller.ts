import { randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { type CallMeta, POLICY_TAG_PREFIX, subjectKeyOf } from '@gmp/contracts';
import { Caller, InternalApiGuard, RequireCaller, ServiceConfig } from '@gmp/service-kit';
import { TAG_CODE, TagRuleBody, tagScanPurpose } from './tags.dto.js';
import { DataTag, DataTagMember } from './tags.entities.js';
import { TagsProblem } from './tags.problems.js';
import { DryRunTag } from './usecases/dry-run-tag/dry-run-tag.usecase.js';
import { PublishTag } from './usecases/publish-tag/publish-tag.usecase.js';

/** A scan asked over the internal API: who (X-Caller) and why, for the subjects' bulk records. */
function httpScan(code: string, caller: string): { meta: CallMeta; purpose: string } {
  const id = randomUUID();
  return {
    meta: { messageId: id, correlationId: id, app: caller.slice(0, 64), sentAt: new Date().toISOString() },
    purpose: tagScanPurpose(code),
  };
}

function checked(code: string): string {
  if (!TAG_CODE.test(code)) throw TagsProblem.TAG_CODE_INVALID(code);
  return code;
}

/** The internal API publishes and dry-runs the data platform's own tags, never a policy's (those come with the policy). */
function own(code: string): string {
  if (checked(code).startsWith(POLICY_TAG_PREFIX)) throw TagsProblem.TAG_RESERVED(code);
  return code;
}

/** 标签库: tags as CEL rules over profiles — dry-run, publish, membership (internal network; X-Caller names who publishes). */
@ApiTags('tags 标签库')
@Controller('internal/v1/data/tags')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class TagsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: ServiceConfig,
    private readonly dryRun: DryRunTag,
    private readonly publish: PublishTag,
  ) {}

  @RequireCaller('试运行人')
  @Post(':code/dry-run')
  @HttpCode(200)
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({
    summary:
      '试运行规则 (run a rule over every subject without changing anything: how many match, the difference to the current version — counts only)',
  })
  async tryRule(@Param('code') code: string, @Body() body: TagRuleBody, @Caller() caller: string) {
    return this.dryRun.execute(own(code), body.rule, httpScan(code, caller));
  }

  @RequireCaller('发布人')
  @Put(':code')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({
    summary: '发布标签规则 (publish a rule as a new version and bring the members in line; each change a data.tag.changed.v1 event)',
  })
  async put(@Param('code') code: string, @Body() body: TagRuleBody, @Caller() caller: string) {
    return this.publish.execute(own(code), body, caller, httpScan(code, caller));
  }

  @Get(':code')
  @ApiOperation({ summary: '标签及成员数 (a tag, its rule, version and member count)' })
  async get(@Param('code') code: string) {
    const tag = await this.dataSource.getRepository(DataTag).findOneBy({ code: checked(code) });
    if (!tag) throw TagsProblem.TAG_NOT_FOUND(code);
    const members = await this.dataSource.getRepository(DataTagMember).countBy({ tagCode: code });
    return {
      code,
      name: tag.name,
      rule: tag.rule,
      version: tag.version,
      members,
      updatedBy: tag.updatedBy,
      updatedAt: tag.updatedAt.toISOString(),
    };
  }

  @Get(':code/members/:subjectId')
  @ApiOperation({ summary: '主体是否具有该标签 (whether a subject — ID number or credit code — holds the tag, since when)' })
  async member(@Param('code') code: string, @Param('subjectId') subjectId: string) {
    const tag = await this.dataSource.getRepository(DataTag).findOneBy({ code: checked(code) });
    if (!tag) throw TagsProblem.TAG_NOT_FOUND(code);
    const row = await this.dataSource
      .getRepository(DataTagMember)
      .findOneBy({ tagCode: code, subjectKey: subjectKeyOf(subjectId.slice(0, 64), this.config.SUBJECT_KEY_SECRET) });
    return { member: row !== null, since: row?.since.toISOString() ?? null, version: tag.version };
  }
}

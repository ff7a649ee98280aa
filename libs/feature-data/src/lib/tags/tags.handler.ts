import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { type DryRunTagReply, POLICY_TAG_PREFIX, type PublishTagReply, type TagRuleRequest, Topic } from '@gmp/contracts';
import { TagsProblem } from './tags.problems.js';
import { DryRunTag } from './usecases/dry-run-tag/dry-run-tag.usecase.js';
import { PublishTag } from './usecases/publish-tag/publish-tag.usecase.js';

/** Over Kafka only policies' own tags: the data platform's other tags are its own to publish. */
function policyTag(code: string): string {
  if (!code.startsWith(POLICY_TAG_PREFIX)) throw TagsProblem.TAG_RESERVED(code);
  return code;
}

/**
 * Tag rules asked for over Kafka by platform services (the business platform's policies):
 * dry-run and publish, the scan recorded in each subject's "who used my data" with the request's
 * purpose. Messages arrive validated; a rule that does not compile answers RULE_INVALID (422).
 */
@Controller()
export class TagsHandler {
  constructor(
    private readonly dryRun: DryRunTag,
    private readonly publish: PublishTag,
  ) {}

  @MessagePattern(Topic.DataTagDryRun)
  async tryRule(@Payload() r: TagRuleRequest): Promise<DryRunTagReply> {
    const { tookMs: _took, ...report } = await this.dryRun.execute(policyTag(r.input.tagCode), r.input.rule, {
      meta: r.meta,
      purpose: r.input.purpose,
    });
    return report;
  }

  @MessagePattern(Topic.DataTagPublish)
  async put(@Payload() r: TagRuleRequest): Promise<PublishTagReply> {
    const by = (r.meta.endUser ? `${r.meta.app}/${r.meta.endUser}` : r.meta.app).slice(0, 128);
    const t = await this.publish.execute(policyTag(r.input.tagCode), { name: r.input.name, rule: r.input.rule }, by, {
      meta: r.meta,
      purpose: r.input.purpose,
    });
    return { tagCode: t.code, name: t.name, rule: t.rule, version: t.version, changed: t.changed, added: t.added, removed: t.removed };
  }
}

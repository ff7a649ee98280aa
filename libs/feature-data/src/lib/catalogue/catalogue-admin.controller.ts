import { Body, Controller, Get, Param, Put, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Caller, InternalApiGuard, RequireCaller } from '@gmp/service-kit';
import { CatalogueQuery, ResourceDefinitionBody } from './catalogue.dto.js';
import { CatalogueService, resourceView } from './catalogue.service.js';
import { PublishResource } from './usecases/publish-resource/publish-resource.usecase.js';

/** 数据资源目录: catalogue and browse resources (internal network; X-Caller names who publishes). */
@ApiTags('catalogue 数据资源目录')
@Controller('internal/v1/data/resources')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class CatalogueAdminController {
  constructor(
    private readonly catalogue: CatalogueService,
    private readonly publish: PublishResource,
  ) {}

  @Get()
  @ApiOperation({ summary: '浏览与搜索资源目录 (browse and search the catalogue; at most 500)' })
  async list(@Query() query: CatalogueQuery) {
    return { resources: await this.catalogue.list(query) };
  }

  @Get(':code')
  @ApiOperation({ summary: '资源的当前版本 (a resource, current version, with its record schema)' })
  async get(@Param('code') code: string) {
    return resourceView((await this.catalogue.require(code)).resource);
  }

  @Get(':code/versions')
  @ApiOperation({ summary: '资源的版本记录 (a resource’s versions)' })
  async versions(@Param('code') code: string) {
    return { versions: await this.catalogue.versions(code) };
  }

  @RequireCaller('编目人')
  @Put(':code')
  @ApiHeader({ name: 'X-Caller', required: true })
  @ApiOperation({ summary: '编目或发布新版本 (catalogue a resource or publish a new version; the same definition again changes nothing)' })
  async put(@Param('code') code: string, @Body() body: ResourceDefinitionBody, @Caller() caller: string) {
    return this.publish.execute({ code, definition: body, by: caller });
  }
}

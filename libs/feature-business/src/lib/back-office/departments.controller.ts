import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { InternalApiGuard } from '@gmp/service-kit';
import type { BizDepartment } from './department.entity.js';
import { DepartmentDirectoryService } from './department-directory.service.js';

const view = (d: BizDepartment) => ({ ...d, checkedAt: d.checkedAt.toISOString() });

/** Where the departments of matters sit in identity's tree (what data scopes compare), for ops (internal network). */
@ApiTags('back office 部门审批')
@Controller('internal/v1/business/departments')
@UseGuards(InternalApiGuard)
@ApiHeader({ name: 'X-Internal-Token', required: true })
export class DepartmentsController {
  constructor(private readonly directory: DepartmentDirectoryService) {}

  @Get()
  @ApiOperation({ summary: '部门映射 (each matter department: resolved with its path, or unknown / ambiguous in identity)' })
  async list() {
    return { departments: (await this.directory.list()).map(view) };
  }

  @Post('sync')
  @HttpCode(200)
  @ApiOperation({ summary: '立即同步 (ask identity now, e.g. after adding departments; 503 if it does not answer)' })
  async sync() {
    return { departments: (await this.directory.sync()).map(view) };
  }
}

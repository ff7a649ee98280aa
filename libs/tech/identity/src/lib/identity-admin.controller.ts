import { Body, Controller, Get, HttpCode, Param, Patch, type PipeTransform, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsOptional, IsString, IsUUID, Length, Matches } from 'class-validator';
import { AccessTokenGuard, CurrentPrincipal, type DataScope, type Principal, RequirePermissions } from '@gmp/identity';
import { CommonProblem, InternalApiGuard } from '@gmp/service-kit';
import type { Department } from './department.entity.js';
import { LogOperation } from './operation-log.interceptor.js';
import { PERMISSIONS } from './role.entity.js';
import { AccountIdPipe } from './sessions.controller.js';
import { LiveGrantGuard } from './live-grant.guard.js';
import { SessionsService } from './sessions.service.js';
import type { StaffAccount } from './staff-account.entity.js';
import { StaffDirectoryService } from './staff-directory.service.js';
import { IdentityProblem } from './identity.problems.js';

/** A UUID path parameter, normalised to lower case (ids are compared as text). */
class LowerUuidPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value))
      throw CommonProblem.INVALID_INPUT(`标识须为 UUID (id must be a uuid): ${value}`);
    return value.toLowerCase();
  }
}

/** A role code path parameter (lower-case letter first, 2–32 of a-z, 0-9, -). */
class RoleCodePipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!ROLE_CODE.test(value)) throw IdentityProblem.INVALID_ROLE_CODE(value);
    return value;
  }
}

const DATA_SCOPES: DataScope[] = ['all', 'custom', 'dept', 'dept_and_below', 'self'];
/** 等保 password rule for staff: 10–128 characters with at least three of upper, lower, digit, symbol. */
const STRONG_PASSWORD =
  /^(?:(?=.*[a-z])(?=.*[A-Z])(?=.*\d)|(?=.*[a-z])(?=.*[A-Z])(?=.*[^\w\s])|(?=.*[a-z])(?=.*\d)(?=.*[^\w\s])|(?=.*[A-Z])(?=.*\d)(?=.*[^\w\s])).{10,128}$/;
const PASSWORD_RULE = {
  message: '密码须 10–128 位，含大写、小写、数字、符号中至少三类 (10–128 characters with three of upper, lower, digit, symbol)',
};

export class CreateDepartmentBody {
  @IsString() @Length(1, 128) name!: string;
  @IsIn(['province', 'city', 'county', 'department']) level!: Department['level'];
  @IsOptional() @IsUUID() parentId?: string;
}

export class CreatePostBody {
  @IsUUID() departmentId!: string;
  @Matches(/^[a-z][a-z0-9-]{1,31}$/) code!: string;
  @IsString() @Length(1, 64) name!: string;
}

export class SaveRoleBody {
  @IsString() @Length(1, 64) name!: string;
  @IsArray() @ArrayMaxSize(32) @IsString({ each: true }) permissions!: string[];
  @IsIn(DATA_SCOPES) dataScope!: DataScope;
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsUUID('all', { each: true }) customDepartmentIds?: string[];
}

export class CreateStaffBody {
  @IsString() @Length(3, 64) username!: string;
  @IsString() @Length(1, 64) name!: string;
  @Matches(STRONG_PASSWORD, PASSWORD_RULE) password!: string;
  @IsUUID() departmentId!: string;
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(16) @Matches(/^[a-z][a-z0-9-]{1,31}$/, { each: true }) roles!: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(16) @IsUUID('all', { each: true }) postIds?: string[];
}

export class UpdateStaffBody {
  @IsOptional() @IsUUID() departmentId?: string;
  @IsOptional() @IsArray() @ArrayMinSize(1) @ArrayMaxSize(16) @Matches(/^[a-z][a-z0-9-]{1,31}$/, { each: true }) roles?: string[];
  @IsOptional() @IsArray() @ArrayMaxSize(16) @IsUUID('all', { each: true }) postIds?: string[];
  @IsOptional() @IsBoolean() enabled?: boolean;
}

export class ResetPasswordBody {
  @Matches(STRONG_PASSWORD, PASSWORD_RULE) password!: string;
}

const ROLE_CODE = /^[a-z][a-z0-9-]{1,31}$/;

/**
 * Identity administration (身份管理) for staff holding `identity:admin` (a staff access token,
 * TOTP at login; its grant must still be live): departments, posts, roles, ordinary staff
 * accounts, sessions. Privileged accounts and roles are out of reach (三员分立); an admin cannot
 * change themselves or a role they hold. Every change — and every refused attempt — is in the
 * operation log, which only security auditors read.
 */
@ApiTags('identity 统一身份认证 (admin)')
@ApiBearerAuth()
@Controller('v1/identity/admin')
@UseGuards(AccessTokenGuard, LiveGrantGuard)
@RequirePermissions(PERMISSIONS.IdentityAdmin)
export class IdentityAdminController {
  constructor(
    private readonly directory: StaffDirectoryService,
    private readonly sessions: SessionsService,
  ) {}

  @Get('departments')
  @ApiOperation({ summary: '部门树 (department tree, by path)' })
  async departments() {
    return { departments: await this.directory.departments() };
  }

  @Post('departments')
  @ApiOperation({ summary: '新增部门 (add a department)' })
  @LogOperation('department.create')
  createDepartment(@Body() input: CreateDepartmentBody) {
    return this.directory.createDepartment(input.name, input.level, input.parentId ?? null);
  }

  @Get('posts')
  @ApiOperation({ summary: '岗位 (posts, optionally of one department)' })
  async posts(@Query('departmentId') departmentId?: string) {
    checkUuid(departmentId);
    return { posts: await this.directory.posts(departmentId) };
  }

  @Post('posts')
  @ApiOperation({ summary: '新增岗位 (add a post)' })
  @LogOperation('post.create')
  createPost(@Body() input: CreatePostBody) {
    return this.directory.createPost(input.departmentId, input.code, input.name);
  }

  @Get('roles')
  @ApiOperation({ summary: '角色 (roles with permissions and data scope)' })
  async roles() {
    return { roles: await this.directory.roles() };
  }

  @Put('roles/:code')
  @ApiOperation({ summary: '新增或修改角色 (create or update a role)' })
  @LogOperation('role.save', 'code')
  saveRole(@Param('code', new RoleCodePipe()) code: string, @Body() input: SaveRoleBody, @CurrentPrincipal() who: Principal) {
    if (who.roles.includes(code)) throw IdentityProblem.SELF_CHANGE(`不能修改自己持有的角色 (a role you hold): ${code}`);
    return this.directory.saveRole({ code, ...input });
  }

  @Get('staff')
  @ApiOperation({ summary: '工作人员 (staff accounts, optionally of one department)' })
  async staff(@Query('departmentId') departmentId?: string) {
    checkUuid(departmentId);
    return { staff: (await this.directory.listStaff(departmentId)).map(publicStaff) };
  }

  /** The TOTP enrolment URI of a privileged account is returned here once, and never again. */
  @Post('staff')
  @ApiOperation({ summary: '新增工作人员 (add a staff account)' })
  @LogOperation('staff.create')
  async createStaff(@Body() input: CreateStaffBody) {
    await this.directory.assertAssignableByAdmin(input.roles);
    return publicStaff(await this.directory.createStaff(input));
  }

  /** Disabling an account also ends its sessions and revokes its refresh tokens at once. */
  @Patch('staff/:id')
  @ApiOperation({ summary: '修改工作人员（部门、角色、岗位、停用）(change department, roles, posts, or disable)' })
  @LogOperation('staff.update', 'id')
  async updateStaff(@Param('id', new LowerUuidPipe()) id: string, @Body() input: UpdateStaffBody, @CurrentPrincipal() who: Principal) {
    if (id === who.subject.replace(/^staff:/, '') && (input.enabled === false || input.roles || input.departmentId)) {
      throw IdentityProblem.SELF_CHANGE(
        '不能停用自己或修改自己的角色、部门 (you cannot disable yourself or change your own roles or department)',
      );
    }
    const before = await this.directory.findStaff(id);
    if (before && (await this.directory.isPrivileged(before))) throw IdentityProblem.PRIVILEGED_ROLE();
    if (input.roles) await this.directory.assertAssignableByAdmin(input.roles);
    const staff = await this.directory.updateStaff(id, input);
    if (before?.enabled && !staff.enabled) await this.sessions.forceLogout(`staff:${id}`, who.subject);
    return publicStaff(staff);
  }

  @Post('staff/:id/reset-password')
  @HttpCode(204)
  @ApiOperation({ summary: '重置密码 (reset a staff password; unlocks the account)' })
  @LogOperation('staff.reset-password', 'id')
  async resetPassword(@Param('id', new LowerUuidPipe()) id: string, @Body() input: ResetPasswordBody): Promise<void> {
    const target = await this.directory.findStaff(id);
    if (target && (await this.directory.isPrivileged(target))) throw IdentityProblem.PRIVILEGED_ROLE();
    await this.directory.resetPassword(id, input.password);
  }

  @Get('accounts/:accountId/sessions')
  @ApiOperation({ summary: '在线会话 (online sessions of an account)' })
  async listSessions(@Param('accountId', new AccountIdPipe()) accountId: string) {
    return { sessions: await this.sessions.list(accountId) };
  }

  @Post('accounts/:accountId/force-logout')
  @HttpCode(200)
  @ApiOperation({ summary: '强制下线 (end all sessions and revoke grants of an account)' })
  @LogOperation('account.force-logout', 'accountId')
  forceLogout(@Param('accountId', new AccountIdPipe()) accountId: string, @CurrentPrincipal() who: Principal) {
    return this.sessions.forceLogout(accountId, who.subject);
  }
}

/** Provisioning of privileged staff (identity admins, security auditors) by the platform operator (X-Internal-Token). */
@ApiTags('identity 统一身份认证 (internal)')
@Controller('internal/v1/staff')
@UseGuards(InternalApiGuard)
export class StaffProvisioningController {
  constructor(private readonly directory: StaffDirectoryService) {}

  /** The TOTP enrolment URI of a privileged account is in this answer once, and never again. */
  @Post()
  @ApiOperation({ summary: '开通工作人员账号，含特权角色 (provision a staff account, privileged roles included)' })
  async create(@Body() body: CreateStaffBody) {
    const staff = await this.directory.createStaff(body);
    return { ...publicStaff(staff), ...(staff.totpSecret ? { totpEnrolmentUri: totpUri(staff) } : {}) };
  }
}

function publicStaff(s: StaffAccount) {
  return {
    id: s.id,
    username: s.username,
    name: s.name,
    departmentId: s.departmentId,
    roles: s.roles,
    postIds: s.postIds,
    enabled: s.enabled,
    secondFactor: s.totpSecret !== null,
    createdAt: s.createdAt,
  };
}

function totpUri(s: StaffAccount): string {
  return `otpauth://totp/${encodeURIComponent(`政务中台:${s.username}`)}?secret=${s.totpSecret}&issuer=${encodeURIComponent('政务中台')}&algorithm=SHA1&digits=6&period=30`;
}

function checkUuid(value: string | undefined): void {
  if (value !== undefined && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw CommonProblem.INVALID_INPUT(`部门标识须为 UUID (departmentId must be a uuid): ${value}`);
  }
}

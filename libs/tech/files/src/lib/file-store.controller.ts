import { Body, Controller, Get, Headers, HttpCode, Param, ParseUUIDPipe, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccessTokenGuard, CurrentPrincipal, PlatformScope, type Principal, RequireScopes } from '@gmp/identity';
import { Caller, InternalApiGuard, RequireServiceCaller } from '@gmp/service-kit';
import { FileStoreService } from './file-store.service.js';

/**
 * Application materials (申请材料) for signed-in people and apps: upload the raw bytes
 * (`Content-Type` application/pdf, image/jpeg, image/png, application/ofd or
 * application/octet-stream; file name in `X-File-Name`, percent-encoded), read back your own.
 */
@ApiTags('files 文件存储')
@ApiBearerAuth()
@Controller('v1/files')
@UseGuards(AccessTokenGuard)
export class FileStoreController {
  constructor(private readonly files: FileStoreService) {}

  @Post()
  @HttpCode(201)
  @RequireScopes(PlatformScope.WriteFiles)
  @ApiOperation({ summary: '上传材料 (upload a file; type detected from the content, size-limited, malware-scanned)' })
  upload(@Body() content: Buffer, @Headers('x-file-name') name: string | undefined, @CurrentPrincipal() who: Principal) {
    return this.files.upload(content, name, who);
  }

  @Get(':id')
  @ApiOperation({ summary: '文件信息 (metadata of a file you uploaded)' })
  info(@Param('id', new ParseUUIDPipe()) id: string, @CurrentPrincipal() who: Principal) {
    return this.files.info(id, who);
  }

  @Get(':id/content')
  @ApiOperation({ summary: '下载 (the content, checked against its SHA-256)' })
  async content(
    @Param('id', new ParseUUIDPipe()) id: string,
    @CurrentPrincipal() who: Principal,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    await send(reply, await this.files.content(id, who));
  }
}

/** The same store for services inside the platform (X-Internal-Token, X-Caller). */
@ApiTags('files 文件存储 (internal)')
@Controller('internal/v1/files')
@UseGuards(InternalApiGuard)
export class InternalFileStoreController {
  constructor(private readonly files: FileStoreService) {}

  @RequireServiceCaller()
  @Post()
  @HttpCode(201)
  upload(@Body() content: Buffer, @Headers('x-file-name') name: string | undefined, @Caller() caller: string) {
    return this.files.upload(content, name, { subject: `service:${caller}`, clientId: caller });
  }

  @Get(':id/content')
  async content(@Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply): Promise<void> {
    await send(reply, await this.files.content(id, null));
  }
}

async function send(reply: FastifyReply, { file, content }: Awaited<ReturnType<FileStoreService['content']>>): Promise<void> {
  await reply
    .header('content-type', file.mediaType)
    .header('content-disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
    .header('x-content-sha256', file.sha256)
    .header('x-content-type-options', 'nosniff')
    .send(content);
}

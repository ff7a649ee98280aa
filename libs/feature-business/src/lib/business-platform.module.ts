import { Module } from '@nestjs/common';

/**
 * 业务中台: matters, "一件事" bundles, cases and back-office dispatch arrive with their
 * issues; the service already runs with its schema, outbox, health and transport.
 */
@Module({})
export class BusinessPlatformModule {}

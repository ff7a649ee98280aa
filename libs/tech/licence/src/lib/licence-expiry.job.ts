import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ExpireDueLicences } from './usecases/expire-due-licences/expire-due-licences.usecase.js';

/** Runs the licence expiry sweep at start and every hour (every instance; each licence is announced once). */
@Injectable()
export class LicenceExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = new Logger('LicenceExpiry');
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly expireDueLicences: ExpireDueLicences) {}

  onApplicationBootstrap(): void {
    const run = () =>
      void this.expireDueLicences
        .execute()
        .then((n) => n > 0 && this.log.log(`已到期证照 (licences expired): ${n}`))
        .catch((err: unknown) => this.log.error(`证照到期处理失败 (expiry sweep failed): ${(err as Error).message}`));
    run();
    this.timer = setInterval(run, 3_600_000);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

import type { Logger } from '@nestjs/common';

const RETRY_MS = 3_000;
const GIVE_UP_MS = 10 * 60_000;

/**
 * Runs a demo seed step in the background, retried every 3 s while `waiting(err)` says what it
 * needs is not there yet (another service, a bundle published in the background), for up to
 * 10 minutes. Returns a stop function for shutdown.
 */
export function seedInBackground(log: Logger, what: string, step: () => Promise<void>, waiting: (err: unknown) => boolean): () => void {
  const started = Date.now();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const attempt = async (): Promise<void> => {
    try {
      await step();
    } catch (err) {
      if (stopped) return;
      if (!waiting(err) || Date.now() - started > GIVE_UP_MS) {
        log.error(`${what}未能发布 (not published): ${(err as Error).message}`);
        return;
      }
      timer = setTimeout(() => void attempt(), RETRY_MS);
      timer.unref();
    }
  };
  void attempt();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}

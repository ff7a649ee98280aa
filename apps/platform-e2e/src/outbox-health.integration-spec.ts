import { DataSource } from 'typeorm';
import { techCapabilitiesService } from '@gmp/feature-tech';
import { type RunningService, startService } from '@gmp/service-kit';
import { inOwnSchema, integrationEnv } from '@gmp/testing';

/** Readiness turns red while the outbox cannot relay (issue 11, defect 2: it kept answering ok), and green again once it can. */
describe('readiness follows the outbox relay', () => {
  let tech: RunningService;
  const def = inOwnSchema(techCapabilitiesService);

  beforeAll(async () => {
    tech = await startService(def, integrationEnv({ OUTBOX_POLL_MS: '100', OUTBOX_UNHEALTHY_AFTER_MS: '1000' }));
  }, 120_000);

  afterAll(async () => {
    await tech?.close();
  });

  it('is not ready while the relay keeps failing, and ready again once it relays', async () => {
    const ready = async () => {
      const res = await fetch(`${tech.url}/health/ready`);
      return { status: res.status, body: (await res.json()) as { details?: { messaging?: { status: string; message?: string } } } };
    };
    expect((await ready()).status).toBe(200);
    const ds = tech.app.get(DataSource);
    await ds.query(`ALTER TABLE "${def.schema}".outbox RENAME TO outbox_moved`);
    try {
      let answer = await ready();
      // Up to 15 s: on a loaded CI machine the relay's next failing poll may come late.
      for (let i = 0; i < 150 && answer.status === 200; i++) {
        await new Promise((r) => setTimeout(r, 100));
        answer = await ready();
      }
      expect(answer.status).toBe(503);
      expect(JSON.stringify(answer.body)).toContain('outbox relay failing');
    } finally {
      await ds.query(`ALTER TABLE "${def.schema}".outbox_moved RENAME TO outbox`);
    }
    let answer = await ready();
    for (let i = 0; i < 150 && answer.status !== 200; i++) {
      await new Promise((r) => setTimeout(r, 100));
      answer = await ready();
    }
    expect(answer.status).toBe(200);
  });
});

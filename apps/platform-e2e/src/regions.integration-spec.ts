import { spawn } from 'node:child_process';

/**
 * Issue 17, item 9: the multi-region simulation runs from its one npm script — two Kafka clusters
 * (province, Nanjing) and MirrorMaker 2 assembled from Maven Central, the city node's services on
 * the city cluster — and a case accepted at the city is decided by a department at the provincial
 * node and completed at the city. Run as a user runs it: `npm run regions:simulate`, its exit code
 * and what it prints.
 */
describe('npm run regions:simulate', () => {
  it('a case accepted in the city reaches the provincial department through MirrorMaker 2, and its decision comes back: the case completes', async () => {
    const child = spawn('npm', ['run', '-s', 'regions:simulate'], {
      env: { ...process.env, LOG_LEVEL: 'error' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    const lines = output.split('\n').filter((l) => /^\[\s*[\d.]+ s\]/.test(l));
    process.stderr.write(`[regions] ${lines.join('\n[regions] ')}\n`);
    expect({ code, tail: code === 0 ? '' : output.slice(-4000) }).toEqual({ code: 0, tail: '' });
    // The hops, in order: accepted at the city, received at the province, decided there, completed at the city.
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    const accepted = at(/city: case YJS\d{14} accepted/);
    const received = at(/province: 南京住房公积金管理中心 received part/);
    const decided = at(/province: decision sent on the provincial cluster/);
    const completed = at(/city: case completed; 6\/6 parts approved/);
    expect([accepted, received, decided, completed].every((i) => i >= 0)).toBe(true);
    expect(accepted).toBeLessThan(received);
    expect(received).toBeLessThan(decided);
    expect(decided).toBeLessThan(completed);
    // The platform's record headers cross with the record (the event id consumers deduplicate on).
    expect(lines[received]).toMatch(/headers copied: .*x-event-id/);
  }, 420_000);
});

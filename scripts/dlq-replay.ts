/**
 * `npm run dlq:replay -- <service> [--dry-run] [--limit=N]`: replays a service's dead letters
 * (`dlq.<service>.v1`) after a fix — each back to the platform topic it came from, once (progress
 * is the group `dlq-replay.<service>`). KAFKA_BROKERS names the brokers (default 127.0.0.1:9092).
 * Prints what it did as JSON; exits 1 on a bad argument or a failure.
 */
import { PLATFORM_SERVICES, replyTopicOf, wireTopics } from '@gmp/contracts';
import { replayDeadLetters } from '@gmp/messaging';

const args = process.argv.slice(2);
const service = args.find((a) => !a.startsWith('--'));
const limitArg = args.find((a) => a.startsWith('--limit='));
const limit = limitArg ? Number(limitArg.slice('--limit='.length)) : undefined;
if (!service || !PLATFORM_SERVICES.includes(service) || (limit !== undefined && !(Number.isInteger(limit) && limit > 0))) {
  process.stderr.write(`用法 (usage): npm run dlq:replay -- <${PLATFORM_SERVICES.join('|')}> [--dry-run] [--limit=N]\n`);
  process.exit(1);
}
// Back only to the platform's own topics: its request and event topics, and its services' reply topics.
const allowedTopics = new Set([...wireTopics().map((t) => t.topic), ...PLATFORM_SERVICES.map((s) => replyTopicOf(s))]);
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
replayDeadLetters({ brokers, group: service, allowedTopics, dryRun: args.includes('--dry-run'), ...(limit ? { limit } : {}) })
  .then((report) => {
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    process.exit(0);
  })
  .catch((err: Error) => {
    process.stderr.write(`死信重放失败 (replay failed): ${err.message}\n`);
    process.exit(1);
  });

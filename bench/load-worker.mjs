// A load generator in a process of its own (bench:dispatch-fairness: the noisy app is another
// client, not a second load inside the process that times the quiet app's calls).
// Reads its autocannon options as JSON from argv[2]; prints the result as JSON on stdout.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
autocannon(options, (err, result) => {
  if (err) {
    process.stderr.write(String(err));
    process.exit(1);
  }
  process.stdout.write(JSON.stringify(result));
});

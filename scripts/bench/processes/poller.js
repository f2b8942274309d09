'use strict';
// A reader of the reader-impact benchmark: reads the file with the library at 10 Hz (as
// `mmstats poll` or a dashboard would) while its stdin says "go", idles after "stop"; "report"
// prints how many reads answered, how many failed, and how many of the answers left out a record
// that changed between every two copies (partial results, SPEC.md §8.3).
const { readSnapshot } = require('../../../packages/cli');

const [file] = process.argv.slice(2);
let timer;
let answered = 0;
let failed = 0;
let partial = 0;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  for (const command of chunk.split('\n')) {
    if (command === 'go' && !timer) {
      timer = setInterval(() => {
        readSnapshot({ file, path: file }).then((snapshot) => {
          if (snapshot.error) failed++;
          else answered++;
          if (snapshot.unstable?.length) partial++;
        });
      }, 100);
    }
    if (command === 'report') process.stdout.write(`READS ${answered} ${failed} ${partial}\n`);
    if (command === 'stop' && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  }
});
process.stdin.on('end', () => process.exit(0));
process.stdout.write('READY\n');

'use strict';
// Reader impact: a writer's counter.inc() throughput alone, and while 10 reader processes read its
// file at 10 Hz each. The two conditions alternate in short phases, so that a change in the
// machine's load falls on both; the result is the median ratio of neighbouring phases.
const { spawn } = require('node:child_process');
const { join } = require('node:path');
const { quick, median, scratchDirectory, report } = require('../lib/harness');
const { waitForLine } = require('../lib/processes');

const READERS = 10;
const PHASE_MS = quick ? 500 : 1000;
const PAIRS = quick ? 3 : 6;

function nextLine(child, prefix) {
  return new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk) => {
      buffered += chunk;
      const line = buffered.split('\n').find((l) => l.startsWith(prefix));
      if (line) {
        child.stdout.off('data', onData);
        resolve(line.slice(prefix.length));
      }
    };
    child.stdout.on('data', onData);
  });
}

async function main() {
  const dir = scratchDirectory('impact');
  const writer = spawn(process.execPath, [join(__dirname, '../processes/throughput-writer.js'), dir], { stdio: ['pipe', 'pipe', 'inherit'] });
  writer.stdout.setEncoding('utf8');
  const file = (await nextLine(writer, 'READY ')).trim();
  const readers = [];
  for (let i = 0; i < READERS; i++) {
    const reader = spawn(process.execPath, [join(__dirname, '../processes/poller.js'), file], { stdio: ['pipe', 'pipe', 'inherit'] });
    reader.stdout.setEncoding('utf8');
    readers.push(reader);
  }
  await Promise.all(readers.map((reader) => waitForLine(reader, 'READY')));
  const measure = async () => {
    const line = nextLine(writer, 'OPS ');
    writer.stdin.write(`measure ${PHASE_MS}\n`);
    return Number(await line);
  };
  const alone = [];
  const withReaders = [];
  const ratios = [];
  let reads;
  try {
    await measure();
    for (let pair = 0; pair < PAIRS; pair++) {
      const a = await measure();
      for (const reader of readers) reader.stdin.write('go\n');
      const b = await measure();
      for (const reader of readers) reader.stdin.write('stop\n');
      alone.push(a);
      withReaders.push(b);
      ratios.push(b / a);
    }
    let answered = 0;
    let failed = 0;
    let partial = 0;
    for (const reader of readers) {
      const line = nextLine(reader, 'READS ');
      reader.stdin.write('report\n');
      const [ok, bad, some] = (await line).split(' ').map(Number);
      answered += ok;
      failed += bad;
      partial += some;
    }
    reads = { answered, failed, partial };
  } finally {
    writer.kill();
    for (const reader of readers) reader.kill();
  }
  report([
    { group: 'impact', name: 'counter.inc() throughput, writer alone', value: median(alone) / 1e3, unit: 'M ops/s' },
    { group: 'impact', name: `counter.inc() throughput, ${READERS} readers at 10 Hz`, value: median(withReaders) / 1e3, unit: 'M ops/s' },
    { group: 'impact', name: 'throughput with readers / alone', value: median(ratios), unit: 'ratio' },
    { group: 'impact', name: 'reads that answered (readSnapshot)', value: reads.answered, unit: 'reads', outcome: `${reads.failed} failed, ${reads.partial} partial` },
  ]);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

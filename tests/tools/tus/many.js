#!/usr/bin/env node
'use strict';

// Load for the resumable-upload memory figure (tests/bench/tus-memory.sh): N concurrent tus-js-client uploads of
// one file, each to its own key, in fixed-size PATCHes.
//
//   node many.js --endpoint http://127.0.0.1:5000/up/ --file big.bin --clients 20 --chunk-size 1048576
//
// Prints "progress <percent>" at every whole 5% of all bytes acknowledged, then "done <seconds>"; exits 1 on error.

const fs = require('fs');
const tus = require('tus-js-client');

const args = {};
for (let i = 2; i < process.argv.length; i += 2) {
  args[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
}

const clients = Number(args.clients);
const size = fs.statSync(args.file).size;
const total = size * clients;
const acknowledged = new Array(clients).fill(0);
const started = Date.now();
let reported = -1;

function report() {
  const percent = Math.floor((acknowledged.reduce((a, b) => a + b, 0) * 100) / total / 5) * 5;
  if (percent > reported) {
    reported = percent;
    process.stdout.write(`progress ${percent}\n`);
  }
}

const uploads = Array.from({ length: clients }, (_, i) => new Promise((resolve, reject) => {
  const upload = new tus.Upload(fs.createReadStream(args.file), {
    endpoint: `${args.endpoint}client-${i}.bin`,
    uploadSize: size,
    chunkSize: Number(args['chunk-size']),
    retryDelays: [0, 250, 1000],
    storeFingerprintForResuming: false,
    onChunkComplete(_chunk, accepted) {
      acknowledged[i] = accepted;
      report();
    },
    onSuccess: resolve,
    onError: reject,
  });
  upload.start();
}));

Promise.all(uploads).then(
  () => process.stdout.write(`done ${((Date.now() - started) / 1000).toFixed(1)}\n`),
  error => {
    process.stderr.write(String(error) + '\n');
    process.exit(1);
  });

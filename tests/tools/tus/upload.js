#!/usr/bin/env node
'use strict';

// Uploads one file with tus-js-client (the tus project's own client, pinned in package.json), as a browser or
// Node uploader would, for the resumable-upload functional tests.
//
//   node upload.js --endpoint http://127.0.0.1:5000/media/videos/a.mp4 --file a.mp4 --chunk-size 1048576
//                  [--upload-url URL]        resume this upload (HEAD, then PATCH from its offset)
//                  [--abort-after BYTES]     stop (upload.abort()) once at least BYTES are acknowledged
//                  [--metadata key=value]... Upload-Metadata
//                  [--header name=value]...  extra request headers (API keys)
//
// Prints one JSON line: {"url": "<upload URL>", "offset": <bytes acknowledged>, "aborted": true|false}; exits 1
// with the client's error on stderr when the upload fails.

const fs = require('fs');
const tus = require('tus-js-client');

function parse(argv) {
  const options = { metadata: {}, headers: {} };
  for (let i = 2; i < argv.length; i += 2) {
    const [name, value] = [argv[i].replace(/^--/, ''), argv[i + 1]];
    if (name === 'metadata' || name === 'header') {
      const at = value.indexOf('=');
      options[name === 'metadata' ? 'metadata' : 'headers'][value.slice(0, at)] = value.slice(at + 1);
    } else {
      options[name] = value;
    }
  }
  return options;
}

const args = parse(process.argv);
const size = fs.statSync(args.file).size;
const abortAfter = args['abort-after'] === undefined ? null : Number(args['abort-after']);
let acknowledged = 0;
let done = false;

function finish(aborted) {
  if (!done) {
    done = true;
    process.stdout.write(JSON.stringify({ url: upload.url, offset: acknowledged, aborted }) + '\n');
  }
}

const upload = new tus.Upload(fs.createReadStream(args.file), {
  endpoint: args.endpoint,
  uploadUrl: args['upload-url'] || null,
  uploadSize: size,
  chunkSize: Number(args['chunk-size']),
  metadata: args.metadata,
  headers: args.headers,
  // A PATCH that finds the upload locked (423) by a request still finishing is retried, as browsers do.
  retryDelays: [0, 100, 250, 500, 1000, 2000],
  storeFingerprintForResuming: false,
  onChunkComplete(_chunk, accepted) {
    acknowledged = accepted;
    if (abortAfter !== null && accepted >= abortAfter && accepted < size) {
      upload.abort().then(() => finish(true));
    }
  },
  onSuccess() {
    acknowledged = size;
    finish(false);
  },
  onError(error) {
    process.stderr.write(String(error) + '\n');
    process.exit(1);
  },
});

upload.start();

#!/usr/bin/env node
'use strict';

// Launcher for the s3rver S3 emulator used by the StreamForge Gateway
// functional tests.
//
//   node start.js --port 0 --directory /some/dir --bucket media --bucket other
//
// Prints exactly one line to stdout once listening:
//
//   S3RVER_LISTENING port=<actual port>
//
// and exits on SIGTERM / SIGINT or when its stdin closes (so it dies with the
// test process that spawned it; pass --ignore-stdin to turn that off).
//
// On top of plain s3rver 3.7.1 it decodes `aws-chunked` request bodies the way
// real S3 does (see README.md and awsChunkedMiddleware below), and implements
// the multipart upload operations s3rver lacks or gets wrong (multipart.js),
// the conditional / range GET and HEAD handling it gets wrong
// (conditional.js), key segments too long for a file name and non-atomic
// object writes (store.js), and HTML entities in its error XML (below). It
// also stores a checksum with every object and returns it like S3
// (checksums.js, store.js). With --request-log FILE it appends one JSON line
// per answered request to FILE (requestlog.js), so tests can count what the
// S3 side served.

const crypto = require('crypto');
const fs = require('fs');
const os = require('os');
const path = require('path');
const { Transform, pipeline: streamPipeline } = require('stream');
const { pipeline } = require('stream/promises');

const S3rver = require('s3rver');
const S3Error = require('s3rver/lib/models/error');

const {
  CHECKSUM_ALGORITHMS,
  CHECKSUM_PREFIX,
  DEFAULT_CHECKSUM_CHOICES,
  REQUEST_CHECKSUM,
  checksumAlgorithmOf,
  installChecksumMiddleware,
  isPutObject,
} = require('./checksums');
const { installConditionalMiddleware } = require('./conditional');
const { installMultipartMiddleware } = require('./multipart');
const { requestLogMiddleware } = require('./requestlog');
const { LauncherStore } = require('./store');

// fast-xml-parser and he as s3rver itself resolves them.
const S3RVER_DIR = path.dirname(require.resolve('s3rver/package.json'));
const requireFromS3rver = id =>
  require(require.resolve(id, { paths: [S3RVER_DIR] }));
const { j2xParser } = requireFromS3rver('fast-xml-parser');
const he = requireFromS3rver('he');

// ---------------------------------------------------------------------------
// Errors (answered by s3rver's own XML error handler)
// ---------------------------------------------------------------------------

// s3rver escapes error XML with he.encode(..., { useNamedReferences: true }),
// which writes HTML named entities such as `&egrave;` for non-ASCII
// characters. XML predefines only &amp; &lt; &gt; &quot; &apos;, so AWSSDK
// cannot parse such a body: a NoSuchKey for `missing-è.bin` became an
// unmarshalling failure (and the gateway's 503). Escape only the XML
// specials and leave everything else as UTF-8, like real S3 and like s3rver's
// own success responses (he.escape).
S3Error.prototype.toXML = function toXML() {
  const parser = new j2xParser({
    tagValueProcessor: value => he.escape(String(value)),
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    parser.parse({
      Error: { Code: this.code, Message: this.message, ...this.detail },
    }),
  ].join('\n');
};

function s3Error(code, message) {
  const err = new S3Error(code, message);
  // S3Error maps codes it does not know to 500; all of ours are client errors.
  err.status = 400;
  err.expose = true;
  return err;
}

const incompleteBody = message =>
  s3Error(
    'IncompleteBody',
    message ||
      'You did not provide the number of bytes specified by the Content-Length HTTP header.',
  );

const malformedChunk = detail =>
  s3Error(
    'IncompleteBody',
    `The request body is not valid aws-chunked encoding: ${detail}`,
  );

// ---------------------------------------------------------------------------
// Streaming aws-chunked decoder
// ---------------------------------------------------------------------------

const MAX_LINE = 16 * 1024;
const CR = 0x0d;
const LF = 0x0a;

/**
 * Transform that turns an `aws-chunked` body
 *
 *   <hex-size>[;chunk-signature=<sig>]\r\n<data>\r\n ... 0[;...]\r\n
 *   [<trailer-name>:<value>\r\n]* \r\n
 *
 * into the plain object bytes, hashing them as they pass. With
 * `chunked: false` it passes bytes through unchanged (used to verify
 * `x-amz-checksum-*` request headers on plain uploads).
 *
 * Chunk headers, data and CRLFs may be split across arbitrary input chunk
 * boundaries. Nothing is buffered beyond one header/trailer line.
 *
 * A framing error does not abort the stream: the rest of the body is read
 * and discarded, and the error is reported at the end (so the client gets
 * its 400 answer instead of a reset connection). Framing, length and
 * checksum errors all surface as an S3Error from _flush, so whatever reads
 * the decoded bytes sees the stream fail before it ends and must not keep
 * what it has read (see awsChunkedMiddleware).
 */
class AwsChunkedDecoder extends Transform {
  constructor({ chunked, expectedLength, algorithms, headerChecksums }) {
    super();
    this.chunked = chunked;
    this.expectedLength = expectedLength; // number or undefined
    this.headerChecksums = headerChecksums; // Map alg -> base64
    this.hashers = new Map(
      [...algorithms].map(alg => [alg, CHECKSUM_ALGORITHMS[alg].create()]),
    );
    this.state = chunked ? 'size' : 'identity';
    this.line = '';
    this.remaining = 0;
    this.decodedLength = 0;
    // Not `trailers`: a streamed PutObject hands this decoder to s3rver as
    // its request, with IncomingMessage's `trailers` copied onto it.
    this.trailerValues = new Map();
    this.failure = null;
    this.verifiedChecksums = new Map(); // alg -> base64, filled by _flush
  }

  _transform(chunk, encoding, callback) {
    if (!this.failure) {
      try {
        this._consume(chunk);
      } catch (err) {
        this.failure = err;
      }
    }
    callback();
  }

  _flush(callback) {
    try {
      if (this.failure) throw this.failure;
      this._finish();
      callback();
    } catch (err) {
      callback(err);
    }
  }

  _emit(data) {
    if (data.length === 0) return;
    this.decodedLength += data.length;
    for (const hasher of this.hashers.values()) hasher.update(data);
    this.push(data);
  }

  // Accumulates one CRLF-terminated line; returns the line (without CRLF)
  // once complete, or undefined when more input is needed. Advances this.pos.
  _readLine(buf) {
    const nl = buf.indexOf(LF, this.pos);
    const end = nl === -1 ? buf.length : nl;
    if (this.line.length + (end - this.pos) > MAX_LINE) {
      throw malformedChunk('chunk header or trailer line too long');
    }
    this.line += buf.toString('latin1', this.pos, end);
    if (nl === -1) {
      this.pos = buf.length;
      return undefined;
    }
    this.pos = nl + 1;
    const line = this.line;
    this.line = '';
    if (!line.endsWith('\r')) {
      throw malformedChunk('line not terminated by CRLF');
    }
    return line.slice(0, -1);
  }

  _consume(buf) {
    this.pos = 0;
    while (this.pos < buf.length) {
      switch (this.state) {
        case 'identity':
          this._emit(buf.subarray(this.pos));
          this.pos = buf.length;
          break;

        case 'size': {
          const line = this._readLine(buf);
          if (line === undefined) break;
          const sizeText = line.split(';', 1)[0].trim();
          if (!/^[0-9a-fA-F]{1,13}$/.test(sizeText)) {
            throw malformedChunk(`invalid chunk size line "${line}"`);
          }
          const size = parseInt(sizeText, 16);
          if (size === 0) {
            this.state = 'trailer';
          } else {
            this.remaining = size;
            this.state = 'data';
          }
          break;
        }

        case 'data': {
          const n = Math.min(this.remaining, buf.length - this.pos);
          this._emit(buf.subarray(this.pos, this.pos + n));
          this.pos += n;
          this.remaining -= n;
          if (this.remaining === 0) this.state = 'data-cr';
          break;
        }

        case 'data-cr':
          if (buf[this.pos] !== CR) {
            throw malformedChunk('chunk data not followed by CRLF');
          }
          this.pos++;
          this.state = 'data-lf';
          break;

        case 'data-lf':
          if (buf[this.pos] !== LF) {
            throw malformedChunk('chunk data not followed by CRLF');
          }
          this.pos++;
          this.state = 'size';
          break;

        case 'trailer': {
          const line = this._readLine(buf);
          if (line === undefined) break;
          if (line === '') {
            this.state = 'done';
            break;
          }
          const colon = line.indexOf(':');
          if (colon <= 0) {
            throw malformedChunk(`invalid trailer line "${line}"`);
          }
          this.trailerValues.set(
            line.slice(0, colon).trim().toLowerCase(),
            line.slice(colon + 1).trim(),
          );
          break;
        }

        case 'done':
          throw malformedChunk('data after the final chunk');

        default:
          throw new Error(`unexpected decoder state ${this.state}`);
      }
    }
  }

  _finish() {
    if (this.chunked) {
      // Tolerate a body that ends right after the last trailer line without
      // the final empty line; anything shorter is truncated.
      const complete =
        this.state === 'done' ||
        (this.state === 'trailer' && this.line === '');
      if (!complete) {
        throw incompleteBody(
          'The request body terminated unexpectedly (incomplete aws-chunked body).',
        );
      }
    }

    if (
      this.expectedLength !== undefined &&
      this.decodedLength !== this.expectedLength
    ) {
      throw incompleteBody(
        `You did not provide the number of bytes specified by the ` +
          `x-amz-decoded-content-length HTTP header (expected ` +
          `${this.expectedLength}, received ${this.decodedLength}).`,
      );
    }

    for (const name of this.trailerValues.keys()) {
      const alg = checksumAlgorithmOf(name);
      if (alg !== undefined && !this.hashers.has(alg)) {
        throw s3Error(
          'InvalidRequest',
          `The trailer ${name} was not declared in the x-amz-trailer header.`,
        );
      }
    }

    for (const [alg, hasher] of this.hashers) {
      const name = CHECKSUM_PREFIX + alg;
      const expected = this.trailerValues.has(name)
        ? this.trailerValues.get(name)
        : this.headerChecksums.get(alg);
      if (expected === undefined) {
        throw s3Error(
          'IncompleteBody',
          `The trailer ${name} declared in x-amz-trailer was not sent.`,
        );
      }
      const actual = hasher.digest().toString('base64');
      if (actual !== expected) {
        throw s3Error(
          'BadDigest',
          `The ${CHECKSUM_ALGORITHMS[alg].label} you specified did not match the calculated checksum.`,
        );
      }
      this.verifiedChecksums.set(alg, actual);
    }
  }
}

// ---------------------------------------------------------------------------
// Koa middleware
// ---------------------------------------------------------------------------

// Properties Koa / s3rver read from ctx.req besides the body and headers.
const FORWARDED_REQ_PROPS = [
  'url',
  'method',
  'httpVersion',
  'httpVersionMajor',
  'httpVersionMinor',
  'socket',
  'complete',
  'aborted',
  'trailers',
  'rawTrailers',
  'baseUrl',
  'originalUrl',
];

function headersToRaw(headers) {
  const raw = [];
  for (const [name, value] of Object.entries(headers)) {
    for (const v of Array.isArray(value) ? value : [value]) {
      raw.push(name, String(v));
    }
  }
  return raw;
}

async function removeQuietly(file) {
  try {
    await fs.promises.unlink(file);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}

/**
 * What a PUT's headers say about its body: null when it needs no decoding
 * (not aws-chunked and no x-amz-checksum-* header), else the options of its
 * AwsChunkedDecoder plus `encodings` (Content-Encoding, split). Throws the
 * S3 error for an unsupported checksum algorithm or an invalid
 * x-amz-decoded-content-length, before any of the body is read.
 */
function describeUploadBody(headers) {
  const contentSha = String(headers['x-amz-content-sha256'] || '');
  const encodings = String(headers['content-encoding'] || '')
    .split(',')
    .map(e => e.trim())
    .filter(Boolean);
  const chunked =
    contentSha.toUpperCase().startsWith('STREAMING-') ||
    encodings.some(e => e.toLowerCase() === 'aws-chunked');

  const headerChecksums = new Map();
  for (const [name, value] of Object.entries(headers)) {
    const alg = checksumAlgorithmOf(name);
    if (alg !== undefined) headerChecksums.set(alg, String(value).trim());
  }

  if (!chunked && headerChecksums.size === 0) return null;

  const algorithms = new Set(headerChecksums.keys());
  if (chunked && headers['x-amz-trailer']) {
    for (const name of String(headers['x-amz-trailer']).split(',')) {
      const alg = checksumAlgorithmOf(name);
      if (alg !== undefined) algorithms.add(alg);
    }
  }
  for (const alg of algorithms) {
    if (!Object.prototype.hasOwnProperty.call(CHECKSUM_ALGORITHMS, alg)) {
      throw s3Error(
        'InvalidRequest',
        `Unsupported checksum algorithm: ${CHECKSUM_PREFIX}${alg}`,
      );
    }
  }

  let expectedLength;
  const decodedLengthHeader = headers['x-amz-decoded-content-length'];
  if (chunked && decodedLengthHeader !== undefined) {
    if (!/^\d+$/.test(String(decodedLengthHeader).trim())) {
      throw s3Error(
        'InvalidArgument',
        `Invalid x-amz-decoded-content-length: ${decodedLengthHeader}`,
      );
    }
    expectedLength = Number(decodedLengthHeader);
  }

  return { chunked, encodings, algorithms, headerChecksums, expectedLength };
}

/**
 * The decoded length, if the headers give it before the body is read:
 * x-amz-decoded-content-length of an aws-chunked body, Content-Length of a
 * plain one; else undefined.
 */
function knownDecodedLength(upload, headers) {
  if (upload.chunked) return upload.expectedLength;
  if (headers['transfer-encoding'] !== undefined) return undefined;
  const text = String(headers['content-length'] || '').trim();
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/**
 * The request headers as real S3 interprets them once the body is decoded:
 * Content-Length is the decoded length, `aws-chunked` leaves
 * Content-Encoding (dropped if nothing else is left), and the framing
 * headers go.
 */
function decodedHeaders(headers, upload, decodedLength) {
  const result = { ...headers };
  result['content-length'] = String(decodedLength);
  delete result['transfer-encoding'];
  delete result['x-amz-decoded-content-length'];
  delete result['x-amz-trailer'];
  if (upload.chunked) {
    const remaining = upload.encodings.filter(
      e => e.toLowerCase() !== 'aws-chunked',
    );
    if (remaining.length) {
      result['content-encoding'] = remaining.join(', ');
    } else {
      delete result['content-encoding'];
    }
  }
  return result;
}

/** Makes `body` the request s3rver reads, with `headers` as its headers. */
function substituteRequest(ctx, body, headers) {
  const req = ctx.req;
  for (const prop of FORWARDED_REQ_PROPS) {
    if (req[prop] !== undefined) body[prop] = req[prop];
  }
  body.connection = req.socket;
  body.headers = headers;
  body.rawHeaders = headersToRaw(headers);
  body.originalRequest = req;
  // s3rver pipes ctx.req; Koa's ctx.headers / ctx.get() read
  // ctx.request.req.headers.
  ctx.req = body;
  ctx.request.req = body;
  ctx.response.req = body;
}

/**
 * The store keeps the checksum the request carried with the object (S3
 * stores the one a PutObject carried). A function, because when the body is
 * streamed the value is verified only at its end: the store calls it once
 * the whole body is written, which means the decoder has verified it (a
 * failed check fails the write first). S3 accepts one checksum per request;
 * should a client send several, the first is kept.
 */
function attachRequestChecksum(body, upload, decoder) {
  const [algorithm] = upload.algorithms;
  if (algorithm === undefined) return;
  body[REQUEST_CHECKSUM] = {
    algorithm,
    value: () => decoder.verifiedChecksums.get(algorithm),
  };
}

/** Real S3 echoes the verified checksum on PutObject / UploadPart. */
function echoVerifiedChecksums(ctx, decoder) {
  if (ctx.status !== 200) return;
  for (const [alg, value] of decoder.verifiedChecksums) {
    ctx.set(CHECKSUM_PREFIX + alg, value);
  }
}

function logRejected(req, err, log) {
  if (err) {
    log(`rejected ${req.method} ${req.url}: ${err.code || ''} ${err.message}`);
  }
}

/**
 * Pipes the request into the decoder. Resolves, never rejects, once the
 * decoder has seen the whole body: with undefined, or with the error that
 * ended it (a decoding error raised at the end of the body, or the client's
 * abort, which destroys the decoder and so fails whatever reads it).
 */
function decodeRequest(req, decoder) {
  return new Promise(resolve => streamPipeline(req, decoder, resolve));
}

/**
 * A PutObject whose decoded length is known: s3rver reads the decoder
 * itself, so the body is decoded on the fly and written once. This is safe
 * because s3rver's putObject controller hands ctx.req straight to
 * LauncherStore.putObject (store.js), which writes it to a temp file with
 * stream/promises pipeline (so an error of the stream rejects) and renames
 * it into place only after the whole stream has ended without one.
 */
async function streamDecodedPut(ctx, next, { upload, decodedLength, log }) {
  const req = ctx.req;
  const decoder = new AwsChunkedDecoder(upload);
  const decoded = decodeRequest(req, decoder);
  substituteRequest(
    ctx,
    decoder,
    decodedHeaders(req.headers, upload, decodedLength),
  );
  attachRequestChecksum(decoder, upload, decoder);
  try {
    await next();
  } finally {
    // s3rver may answer without reading the body (403, 404 NoSuchBucket):
    // read and discard the rest first, so that the client, still sending,
    // gets that answer, as when the whole body was decoded first.
    decoder.resume();
    logRejected(req, await decoded, log);
  }
  echoVerifiedChecksums(ctx, decoder);
}

/**
 * Any other upload (UploadPart, or a body of unknown decoded length):
 * decoded and verified into a temp file first, then s3rver reads the file.
 * s3rver's own FilesystemStore.putPart truncates the part file in place and
 * pipe()s its content without listening for the stream's errors, so a body
 * stream failing at the end would leave a partial part behind and the
 * request hanging; it must only ever get a stream that cannot fail.
 */
async function bufferDecodedPut(ctx, next, { upload, tmpDir, log }) {
  const req = ctx.req;
  const decoder = new AwsChunkedDecoder(upload);
  const tmpFile = path.join(
    tmpDir,
    `streamforge-s3rver-${process.pid}-${crypto
      .randomBytes(8)
      .toString('hex')}.upload`,
  );

  let body;
  try {
    try {
      await pipeline(
        req,
        decoder,
        fs.createWriteStream(tmpFile, { flags: 'wx' }),
      );
    } catch (err) {
      logRejected(req, err, log);
      throw err;
    }
    body = fs.createReadStream(tmpFile);
    substituteRequest(
      ctx,
      body,
      decodedHeaders(req.headers, upload, decoder.decodedLength),
    );
    attachRequestChecksum(body, upload, decoder);
    await next();
    echoVerifiedChecksums(ctx, decoder);
  } finally {
    if (body) body.destroy();
    await removeQuietly(tmpFile);
  }
}

/**
 * Must be the first middleware. For a PUT whose body is `aws-chunked`
 * (x-amz-content-sha256: STREAMING-* or Content-Encoding containing
 * aws-chunked), or which carries x-amz-checksum-* headers, s3rver gets a
 * request whose body is the decoded bytes, verified (framing, decoded length,
 * checksum), with the headers rewritten as real S3 would interpret them.
 *
 * A PutObject whose decoded length is known up front
 * (x-amz-decoded-content-length, or Content-Length of a plain body) is
 * decoded on the fly into the store's write, with constant memory, and
 * written to disk once (streamDecodedPut). The decoder reports a bad framing,
 * a decoded length mismatch or a wrong / missing checksum when the body ends;
 * that error, or a client abort, fails the store's write before it commits,
 * so the client still there gets its 400 and no object is written or
 * replaced. Everything else, UploadPart in particular, is decoded into a
 * temp file first (bufferDecodedPut), because s3rver's part store would not
 * notice such an error.
 */
function awsChunkedMiddleware({ tmpDir = os.tmpdir(), log = () => {} } = {}) {
  return async function awsChunkedDecoding(ctx, next) {
    if (ctx.req.method !== 'PUT') return next();
    const headers = ctx.req.headers;
    const upload = describeUploadBody(headers);
    if (!upload) return next();
    const decodedLength = knownDecodedLength(upload, headers);
    if (isPutObject(ctx) && decodedLength !== undefined) {
      return streamDecodedPut(ctx, next, { upload, decodedLength, log });
    }
    return bufferDecodedPut(ctx, next, { upload, tmpDir, log });
  };
}

/**
 * --corrupt-put-bodies (a fault for tests): flips the first byte of every
 * PutObject and UploadPart body sent as is (not in aws-chunked framing)
 * before anything else sees it, as if it had been damaged on the way. A body
 * with a checksum header then fails the decoder's check (400 BadDigest); for
 * one without, the store computes and reports the checksum of what it got, as
 * S3 would, so a client that hashed what it sent can tell.
 */
function corruptPutBodiesMiddleware() {
  return async function corruptPutBodies(ctx, next) {
    const upload = isPutObject(ctx) || 'partNumber' in ctx.query;
    if (ctx.method !== 'PUT' || !upload || describeUploadBody(ctx.req.headers)?.chunked) return next();
    const req = ctx.req;
    let flipped = false;
    const damaged = new Transform({
      transform(chunk, encoding, callback) {
        if (!flipped && chunk.length > 0) {
          chunk = Buffer.from(chunk);
          chunk[0] ^= 0xff;
          flipped = true;
        }
        callback(null, chunk);
      },
    });
    streamPipeline(req, damaged, () => {});
    substituteRequest(ctx, damaged, req.headers);
    return next();
  };
}

/**
 * --hold-heads <file> (a fault for tests): while <file> exists, a HeadObject
 * answer is computed, then held back until the file is removed, with
 * <file>.held present meanwhile; a test changes the object in that window to
 * make the reader's next call find another version.
 */
function holdHeadsMiddleware(file) {
  return async function holdHeads(ctx, next) {
    if (ctx.method !== 'HEAD' || !fs.existsSync(file)) return next();
    await next();
    fs.writeFileSync(`${file}.held`, '');
    while (fs.existsSync(file)) {
      await new Promise(resolve => setTimeout(resolve, 10));
    }
    fs.rmSync(`${file}.held`, { force: true });
  };
}

/**
 * --ignore-request-header <name> (a fault for tests, repeatable): GetObject
 * acts as if the request had no such header, as a server that ignores Range
 * (RFC 9110 section 14.2 allows it) or If-Match would.
 */
function ignoreRequestHeadersMiddleware(names) {
  return async function ignoreRequestHeaders(ctx, next) {
    if (ctx.method === 'GET') {
      for (const name of names) delete ctx.req.headers[name];
    }
    return next();
  };
}

/**
 * CopyObject's `x-amz-copy-source` is `bucket/key`, URL-encoded; AWSSDK.S3
 * encodes the `/` too (`media%2Fdir%2Fa.bin`), which S3 accepts. s3rver
 * decodes the header with decodeURI, which leaves `%2F` alone, and then
 * splits on `/`: the whole header became the bucket name (404
 * NoSuchBucket). Decode it fully here and hand s3rver the encodeURI form,
 * which its decodeURI turns back into exactly `bucket/key`.
 */
function copySourceMiddleware() {
  return async function copySource(ctx, next) {
    const header = ctx.req.headers['x-amz-copy-source'];
    if (ctx.method === 'PUT' && typeof header === 'string') {
      let decoded;
      try {
        decoded = decodeURIComponent(header);
      } catch (err) {
        decoded = undefined; // not valid percent-encoding: s3rver's problem
      }
      if (decoded !== undefined) {
        ctx.req.headers['x-amz-copy-source'] = encodeURI(decoded);
      }
    }
    return next();
  };
}

// ---------------------------------------------------------------------------
// Command line
// ---------------------------------------------------------------------------

function usage(message) {
  if (message) process.stderr.write(`start.js: ${message}\n`);
  process.stderr.write(
    'usage: node start.js [--port N] [--address ADDR] [--directory DIR] ' +
      '[--bucket NAME]... [--default-checksum crc32|crc64nvme|none] ' +
      '[--request-log FILE] [--corrupt-put-bodies] [--hold-heads FILE]\n' +
      '  [--ignore-request-header NAME]... [--ignore-stdin] [--verbose]\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {
    port: 0,
    address: '127.0.0.1',
    directory: undefined,
    buckets: [],
    defaultChecksum: 'crc32',
    requestLog: undefined,
    corruptPutBodies: false,
    holdHeads: undefined,
    ignoredRequestHeaders: [],
    ignoreStdin: false,
    verbose: false,
  };
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i];
    let value;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq !== -1) {
      value = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    const takeValue = () => {
      if (value !== undefined) return value;
      if (i + 1 >= argv.length) usage(`${arg} needs a value`);
      return argv[++i];
    };
    switch (arg) {
      case '--port': {
        const text = takeValue();
        if (!/^\d+$/.test(text) || Number(text) > 65535) {
          usage(`invalid port: ${text}`);
        }
        opts.port = Number(text);
        break;
      }
      case '--address':
        opts.address = takeValue();
        break;
      case '--directory':
        opts.directory = path.resolve(takeValue());
        break;
      case '--bucket':
        opts.buckets.push(takeValue());
        break;
      case '--default-checksum': {
        const text = takeValue().toLowerCase();
        if (!DEFAULT_CHECKSUM_CHOICES.includes(text)) {
          usage(`invalid --default-checksum: ${text}`);
        }
        opts.defaultChecksum = text;
        break;
      }
      case '--request-log':
        opts.requestLog = path.resolve(takeValue());
        break;
      case '--ignore-stdin':
        opts.ignoreStdin = true;
        break;
      case '--corrupt-put-bodies':
        opts.corruptPutBodies = true;
        break;
      case '--hold-heads':
        opts.holdHeads = path.resolve(takeValue());
        break;
      case '--ignore-request-header':
        opts.ignoredRequestHeaders.push(takeValue().toLowerCase());
        break;
      case '--verbose':
        opts.verbose = true;
        break;
      case '--help':
      case '-h':
        usage();
        break;
      default:
        usage(`unknown argument: ${arg}`);
    }
  }
  if (!opts.directory) {
    opts.directory = fs.mkdtempSync(path.join(os.tmpdir(), 's3rver-'));
  }
  return opts;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  fs.mkdirSync(opts.directory, { recursive: true });

  // Only ever write diagnostics when asked: a parent that redirects stderr
  // without reading it must not be able to block us on a full pipe.
  const log = opts.verbose
    ? message => process.stderr.write(`[s3server] ${message}\n`)
    : () => {};

  const server = new S3rver({
    address: opts.address,
    port: opts.port,
    directory: opts.directory,
    silent: true,
    configureBuckets: opts.buckets.map(name => ({ name })),
  });
  // Long key segments and atomic PUTs (store.js); everything reaches the
  // store through ctx.store / ctx.app.store, so replacing it here is enough.
  // It also stores each object's checksum (the default one computed while the
  // body is written when the client sent none).
  server.store = server.context.store = new LauncherStore(opts.directory, {
    defaultChecksum:
      opts.defaultChecksum === 'none' ? null : opts.defaultChecksum,
  });
  // s3rver's constructor already registered its middleware; ours must see the
  // raw request first. Koa composes app.middleware when run() -> listen()
  // calls app.callback(), so inserting here is enough.
  server.middleware.unshift(awsChunkedMiddleware({ log }));
  if (opts.corruptPutBodies) {
    server.middleware.unshift(corruptPutBodiesMiddleware());
  }
  if (opts.ignoredRequestHeaders.length > 0) {
    server.middleware.unshift(ignoreRequestHeadersMiddleware(opts.ignoredRequestHeaders));
  }
  if (opts.holdHeads) {
    server.middleware.unshift(holdHeadsMiddleware(opts.holdHeads));
  }
  // CopyObject sources as AWSSDK.S3 encodes them (any position before the
  // router will do).
  server.middleware.unshift(copySourceMiddleware());
  // Abort / ListParts / ListMultipartUploads and Complete / UploadPart checks;
  // goes right in front of s3rver's router (after its error/XML handling).
  installMultipartMiddleware(server, { log });
  // Which responses carry the stored checksum (x-amz-checksum-mode, no Range,
  // not on 304 / 412); must be outside the conditional middleware below.
  installChecksumMiddleware(server);
  // If-Match / If-None-Match / If-(Un)Modified-Since and Range on GetObject /
  // HeadObject, evaluated like real S3; also right in front of the router.
  installConditionalMiddleware(server, { log });
  // Last unshift, so first to run: it must wrap the response before anything
  // can answer, including the aws-chunked middleware's 400s and s3rver's
  // error handler.
  if (opts.requestLog) {
    server.middleware.unshift(requestLogMiddleware(opts.requestLog));
  }

  let stopping = false;
  const shutdown = reason => {
    if (stopping) return;
    stopping = true;
    log(`stopping (${reason})`);
    setTimeout(() => process.exit(0), 2000).unref();
    const httpServer = server.httpServer;
    if (!httpServer) process.exit(0);
    httpServer.close(() => process.exit(0));
    if (typeof httpServer.closeAllConnections === 'function') {
      httpServer.closeAllConnections();
    }
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  if (!opts.ignoreStdin) {
    process.stdin.on('end', () => shutdown('stdin closed'));
    process.stdin.on('close', () => shutdown('stdin closed'));
    process.stdin.on('error', () => shutdown('stdin error'));
    process.stdin.resume(); // read and discard whatever the parent writes
  }

  const address = await server.run();
  if (stopping) return;
  log(`listening on ${opts.address}:${address.port}, directory ${opts.directory}`);
  process.stdout.write(`S3RVER_LISTENING port=${address.port}\n`);
}

if (require.main === module) {
  main().catch(err => {
    process.stderr.write(`start.js: failed to start s3rver: ${err.stack || err}\n`);
    process.exit(1);
  });
}

module.exports = {
  AwsChunkedDecoder,
  awsChunkedMiddleware,
  CHECKSUM_ALGORITHMS,
};

'use strict';

// S3 flexible checksums for the launcher (see README.md, "What it emulates:
// stored object checksums"):
//
// - the algorithms, shared by the aws-chunked decoder (start.js), which
//   verifies the checksum a client sends, and the store (store.js), which
//   computes the default checksum of an upload that carried none and the
//   checksum of a completed multipart upload while writing the object;
// - which checksum a multipart upload gets (full-object or composite);
// - the middleware that decides which responses carry `x-amz-checksum-*`.
//
// What S3 does, and so what is emulated here, is described in
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html

const crypto = require('crypto');
const zlib = require('zlib');

const S3Error = require('s3rver/lib/models/error');
const authentication = require('s3rver/lib/middleware/authentication');
const bucketCtrl = require('s3rver/lib/controllers/bucket');
const objectCtrl = require('s3rver/lib/controllers/object');

// ---------------------------------------------------------------------------
// Algorithms (S3 flexible checksums: base64 of the big-endian digest)
// ---------------------------------------------------------------------------

function makeCrc32Table(reflectedPoly) {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) {
      c = c & 1 ? (c >>> 1) ^ reflectedPoly : c >>> 1;
    }
    table[n] = c >>> 0;
  }
  return table;
}

const CRC32_TABLE = makeCrc32Table(0xedb88320); // CRC-32 (ISO-HDLC), as zlib
const CRC32C_TABLE = makeCrc32Table(0x82f63b78); // CRC-32C (Castagnoli)

class TableCrc32 {
  constructor(table) {
    this.table = table;
    this.crc = 0xffffffff;
  }

  update(buf) {
    const t = this.table;
    let c = this.crc;
    for (let i = 0; i < buf.length; i++) {
      c = t[(c ^ buf[i]) & 0xff] ^ (c >>> 8);
    }
    this.crc = c >>> 0;
  }

  digest() {
    const out = Buffer.alloc(4);
    out.writeUInt32BE((this.crc ^ 0xffffffff) >>> 0);
    return out;
  }
}

// zlib.crc32 exists only in newer Node releases (20.15+ / 22.2+).
class ZlibCrc32 {
  constructor() {
    this.crc = 0;
  }

  update(buf) {
    this.crc = zlib.crc32(buf, this.crc);
  }

  digest() {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(this.crc >>> 0);
    return out;
  }
}

// CRC-64/NVME (reflected poly 0x9a6c9329ac4bc9b5), computed on two 32-bit
// halves to stay out of BigInt in the hot loop.
const CRC64_TABLE_HI = new Uint32Array(256);
const CRC64_TABLE_LO = new Uint32Array(256);
(function makeCrc64Table() {
  const polyHi = 0x9a6c9329;
  const polyLo = 0xac4bc9b5;
  for (let n = 0; n < 256; n++) {
    let hi = 0;
    let lo = n;
    for (let k = 0; k < 8; k++) {
      const lsb = lo & 1;
      lo = ((lo >>> 1) | ((hi & 1) << 31)) >>> 0;
      hi = hi >>> 1;
      if (lsb) {
        lo = (lo ^ polyLo) >>> 0;
        hi = (hi ^ polyHi) >>> 0;
      }
    }
    CRC64_TABLE_HI[n] = hi;
    CRC64_TABLE_LO[n] = lo;
  }
})();

class Crc64Nvme {
  constructor() {
    this.hi = 0xffffffff;
    this.lo = 0xffffffff;
  }

  update(buf) {
    let hi = this.hi;
    let lo = this.lo;
    for (let i = 0; i < buf.length; i++) {
      const idx = (lo ^ buf[i]) & 0xff;
      lo = (((lo >>> 8) | (hi << 24)) ^ CRC64_TABLE_LO[idx]) >>> 0;
      hi = ((hi >>> 8) ^ CRC64_TABLE_HI[idx]) >>> 0;
    }
    this.hi = hi;
    this.lo = lo;
  }

  digest() {
    const out = Buffer.alloc(8);
    out.writeUInt32BE((this.hi ^ 0xffffffff) >>> 0, 0);
    out.writeUInt32BE((this.lo ^ 0xffffffff) >>> 0, 4);
    return out;
  }
}

class NodeHash {
  constructor(algorithm) {
    this.hash = crypto.createHash(algorithm);
  }

  update(buf) {
    this.hash.update(buf);
  }

  digest() {
    return this.hash.digest();
  }
}

// Keyed by the suffix of the `x-amz-checksum-<alg>` header / trailer name.
const CHECKSUM_ALGORITHMS = {
  crc32: {
    label: 'CRC32',
    create: () =>
      typeof zlib.crc32 === 'function'
        ? new ZlibCrc32()
        : new TableCrc32(CRC32_TABLE),
  },
  crc32c: { label: 'CRC32C', create: () => new TableCrc32(CRC32C_TABLE) },
  crc64nvme: { label: 'CRC64NVME', create: () => new Crc64Nvme() },
  sha1: { label: 'SHA1', create: () => new NodeHash('sha1') },
  sha256: { label: 'SHA256', create: () => new NodeHash('sha256') },
};

const CHECKSUM_PREFIX = 'x-amz-checksum-';

function checksumAlgorithmOf(name) {
  const lower = String(name).trim().toLowerCase();
  if (!lower.startsWith(CHECKSUM_PREFIX)) return undefined;
  const alg = lower.slice(CHECKSUM_PREFIX.length);
  // x-amz-checksum-algorithm / x-amz-checksum-type are not checksum values.
  if (alg === 'algorithm' || alg === 'type') return undefined;
  return alg;
}


// ---------------------------------------------------------------------------
// Stored checksums
// ---------------------------------------------------------------------------

const FULL_OBJECT = 'FULL_OBJECT';
const COMPOSITE = 'COMPOSITE';

// The checksum a PutObject / UploadPart request carried (header or
// aws-chunked trailer), as verified by the aws-chunked middleware:
// { algorithm, value }. Set on the body stream it hands to s3rver, because
// s3rver passes the store only that stream, not the request headers.
const REQUEST_CHECKSUM = Symbol('s3server.requestChecksum');
// What the store stored for an upload: { algorithm, value, type }. Set by the
// store on the content stream it consumed, for the PutObject response.
const STORED_CHECKSUM = Symbol('s3server.storedChecksum');

// --default-checksum values. Real S3 defaults to CRC64NVME; CRC32 is the
// launcher's default because Node computes it natively (zlib.crc32), while
// CRC64NVME runs in JavaScript here (several times slower).
const DEFAULT_CHECKSUM_CHOICES = ['crc32', 'crc64nvme', 'none'];

// Full-object checksums exist for the CRCs only (they can be combined across
// parts); composite ones for every algorithm but CRC64NVME.
const FULL_OBJECT_ALGORITHMS = new Set(['crc32', 'crc32c', 'crc64nvme']);
const COMPOSITE_ALGORITHMS = new Set(['crc32', 'crc32c', 'sha1', 'sha256']);

/** A well-formed { algorithm, value, type } (as read back from disk). */
function isStoredChecksum(checksum) {
  return (
    checksum !== null &&
    typeof checksum === 'object' &&
    Object.prototype.hasOwnProperty.call(
      CHECKSUM_ALGORITHMS,
      checksum.algorithm,
    ) &&
    typeof checksum.value === 'string' &&
    (checksum.type === FULL_OBJECT || checksum.type === COMPOSITE)
  );
}

/** The response headers S3 sends with a stored checksum. */
function checksumHeaders(checksum) {
  return {
    [CHECKSUM_PREFIX + checksum.algorithm]: checksum.value,
    'x-amz-checksum-type': checksum.type,
  };
}

/**
 * A composite multipart checksum: the checksum of the concatenated binary
 * checksums of the parts, then `-<part count>` (which is also how SDKs tell
 * it from a full-object value and skip validating a GET against it).
 */
function compositeValue(algorithm, partDigests) {
  const hasher = CHECKSUM_ALGORITHMS[algorithm].create();
  for (const digest of partDigests) hasher.update(digest);
  return `${hasher.digest().toString('base64')}-${partDigests.length}`;
}

function headerValue(headers, name) {
  const value = headers[name];
  if (value === undefined) return undefined;
  const text = String(Array.isArray(value) ? value[0] : value).trim();
  return text === '' ? undefined : text;
}

function invalidRequest(message) {
  return new S3Error('InvalidRequest', message);
}

/**
 * The checksum CreateMultipartUpload asked for with x-amz-checksum-algorithm
 * and x-amz-checksum-type: { algorithm, type }, or undefined if no algorithm
 * was given. Throws InvalidRequest for a combination S3 refuses. Without a
 * type, CRC64NVME is full-object (it has no composite form) and every other
 * algorithm composite, as on S3.
 */
function requestedUploadChecksum(headers) {
  const algorithmText = headerValue(headers, 'x-amz-checksum-algorithm');
  const typeText = headerValue(headers, 'x-amz-checksum-type');
  if (algorithmText === undefined) return undefined;
  const algorithm = algorithmText.toLowerCase();
  if (!Object.prototype.hasOwnProperty.call(CHECKSUM_ALGORITHMS, algorithm)) {
    throw invalidRequest(`Checksum algorithm ${algorithmText} is not supported.`);
  }
  let type;
  if (typeText === undefined) {
    type = algorithm === 'crc64nvme' ? FULL_OBJECT : COMPOSITE;
  } else {
    type = typeText.toUpperCase();
    if (type !== FULL_OBJECT && type !== COMPOSITE) {
      throw invalidRequest(`Checksum type ${typeText} is not supported.`);
    }
  }
  const allowed =
    type === FULL_OBJECT ? FULL_OBJECT_ALGORITHMS : COMPOSITE_ALGORITHMS;
  if (!allowed.has(algorithm)) {
    throw invalidRequest(
      `The ${type} checksum type cannot be used with the ` +
        `${CHECKSUM_ALGORITHMS[algorithm].label} checksum algorithm.`,
    );
  }
  return { algorithm, type };
}

/**
 * The checksum a multipart upload ends with, from the request headers its
 * CreateMultipartUpload stored (s3rver keeps them in the upload's `metadata`
 * file): what it asked for, else the default full-object checksum
 * (`defaultAlgorithm`, null for none).
 */
function uploadChecksumPlan(createHeaders, defaultAlgorithm) {
  let requested;
  try {
    requested = requestedUploadChecksum(createHeaders || {});
  } catch (err) {
    requested = undefined; // refused at Create; cannot happen for a stored upload
  }
  if (requested) return requested;
  return defaultAlgorithm
    ? { algorithm: defaultAlgorithm, type: FULL_OBJECT }
    : null;
}

// ---------------------------------------------------------------------------
// Middleware
// ---------------------------------------------------------------------------

// Query parameters that make s3rver's router dispatch a request on
// /bucket/key to something other than the plain object operation.
const SUBRESOURCES = new Set([...bucketCtrl.METHODS, ...objectCtrl.METHODS]);

function objectRequest(ctx) {
  // /bucket/key (path-style; vhost-style was already rewritten by s3rver).
  return /^\/[^/]+\/./.test(ctx.path);
}

function hasSubresource(ctx) {
  return Object.keys(ctx.query).some(name => SUBRESOURCES.has(name));
}

/**
 * A PutObject: a PUT of /bucket/key that is not UploadPart (partNumber /
 * uploadId), CopyObject or a subresource such as ?tagging. Path-style only:
 * before s3rver's vhost middleware a vhost-style PutObject of a key without
 * `/` is not recognised (callers must treat that as the safe case).
 */
function isPutObject(ctx) {
  return (
    ctx.method === 'PUT' &&
    objectRequest(ctx) &&
    !hasSubresource(ctx) &&
    !('partNumber' in ctx.query) &&
    ctx.get('x-amz-copy-source') === ''
  );
}

function removeChecksumHeaders(ctx) {
  for (const name of ctx.res.getHeaderNames()) {
    if (name.toLowerCase().startsWith(CHECKSUM_PREFIX)) {
      ctx.res.removeHeader(name);
    }
  }
}

/**
 * GetObject / HeadObject: the store adds the stored checksum to every object
 * it reads (store.js getObject); S3 returns it only to a reader that asks
 * (`x-amz-checksum-mode: ENABLED`) for the whole object: not for a Range
 * (a checksum of the whole would not match the bytes sent), not for a
 * `partNumber` read, and not with a 304 / 412 / error. Everything else gets
 * no checksum headers.
 */
async function checksumOnRead(ctx, next) {
  const wanted =
    String(ctx.get('x-amz-checksum-mode')).trim().toUpperCase() ===
      'ENABLED' &&
    ctx.get('range') === '' &&
    !('partNumber' in ctx.query);
  try {
    await next();
  } catch (err) {
    removeChecksumHeaders(ctx);
    throw err;
  }
  if (!wanted || ctx.status !== 200) removeChecksumHeaders(ctx);
}

/** PutObject: S3 answers with the checksum it stored, and its type. */
async function checksumOnPut(ctx, next) {
  await next();
  const stored = ctx.req[STORED_CHECKSUM];
  if (ctx.status === 200 && stored) ctx.set(checksumHeaders(stored));
}

function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch (err) {
    return text;
  }
}

/**
 * Goes right in front of s3rver's router, and outside conditional.js's
 * middleware, so that it sees the final status of a read (304, 412, 206).
 */
function checksumMiddleware() {
  // s3rver's own access-key check (it normally runs inside its router), so
  // that a wrong key is still 403 before a refused checksum is 400.
  const authenticate = authentication();

  return async function objectChecksums(ctx, next) {
    if (!objectRequest(ctx)) return next();
    const { method, query } = ctx;
    if ((method === 'GET' || method === 'HEAD') && !hasSubresource(ctx)) {
      return checksumOnRead(ctx, next);
    }
    if (method === 'POST' && 'uploads' in query && !('uploadId' in query)) {
      // CreateMultipartUpload: refuse what S3 refuses, before s3rver stores
      // the upload.
      if (ctx.get('x-amz-checksum-algorithm') !== '') {
        const [bucket, ...key] = ctx.path.slice(1).split('/');
        const savedParams = ctx.params;
        ctx.params = { bucket: safeDecode(bucket), key: safeDecode(key.join('/')) };
        try {
          await authenticate(ctx, async () => {});
        } finally {
          ctx.params = savedParams;
        }
        requestedUploadChecksum(ctx.headers);
      }
      return next();
    }
    if (isPutObject(ctx)) return checksumOnPut(ctx, next);
    return next();
  };
}

/** Inserts the middleware directly in front of s3rver's router. */
function installChecksumMiddleware(server) {
  const index = server.middleware.findIndex(mw => mw && mw.router);
  if (index === -1) {
    throw new Error("s3rver's router middleware not found");
  }
  server.middleware.splice(index, 0, checksumMiddleware());
}

module.exports = {
  CHECKSUM_ALGORITHMS,
  CHECKSUM_PREFIX,
  COMPOSITE,
  DEFAULT_CHECKSUM_CHOICES,
  FULL_OBJECT,
  REQUEST_CHECKSUM,
  STORED_CHECKSUM,
  checksumAlgorithmOf,
  checksumHeaders,
  checksumMiddleware,
  compositeValue,
  installChecksumMiddleware,
  isPutObject,
  isStoredChecksum,
  requestedUploadChecksum,
  uploadChecksumPlan,
};

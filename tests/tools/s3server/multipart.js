'use strict';

// Real-S3 multipart upload behaviour on top of s3rver 3.7.1 (see README.md).
//
// s3rver already keeps a record of every in-progress upload from the moment it
// is initiated: InitiateMultipartUpload creates
//
//   <directory>/<bucket>/._S3rver_uploads/<uploadId>/key       (the object key)
//   <directory>/<bucket>/._S3rver_uploads/<uploadId>/metadata  (request headers)
//
// UploadPart adds <partNumber> and <partNumber>.md5 files to that directory,
// and a successful CompleteMultipartUpload removes the whole directory. So an
// upload "exists" (initiated, neither completed nor aborted) exactly while its
// directory has a `key` file; the mtime of that file is its initiation time.
// This module reads that state; it keeps no registry of its own.
//
// The middleware must sit right in front of s3rver's router (after its
// logger, XML and vhost middleware; see installMultipartMiddleware). It
//
// - implements AbortMultipartUpload, ListParts and ListMultipartUploads
//   (which s3rver answers with 405 / 405 / 501);
// - checks UploadPart and CompleteMultipartUpload requests before s3rver sees
//   them: unknown uploadId -> 404 NoSuchUpload; invalid partNumber -> 400
//   InvalidArgument; a Complete naming a part that was not uploaded (or with
//   the wrong ETag) -> 400 InvalidPart instead of crashing the process; parts
//   not in ascending order -> 400 InvalidPartOrder.

const fs = require('fs');
const path = require('path');
const { PassThrough } = require('stream');

const S3Error = require('s3rver/lib/models/error');
const { CHECKSUM_ALGORITHMS } = require('./checksums');
const authentication = require('s3rver/lib/middleware/authentication');
const { DUMMY_ACCOUNT } = require('s3rver/lib/models/account');

// The XML parser s3rver itself uses for CompleteMultipartUpload bodies, so
// that our checks see exactly what s3rver will see.
const S3RVER_DIR = path.dirname(require.resolve('s3rver/package.json'));
const requireFromS3rver = id =>
  require(require.resolve(id, { paths: [S3RVER_DIR] }));
const xmlParser = requireFromS3rver('fast-xml-parser');
const he = requireFromS3rver('he');

const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';
const MAX_PART_NUMBER = 10000;
const MAX_LIST = 1000;
const MAX_COMPLETE_BODY = 16 * 1024 * 1024;
// s3rver generates 32 hex digits; anything that could leave the uploads
// directory (/, .., \) is refused outright.
const UPLOAD_ID_RE = /^[A-Za-z0-9_-]{1,256}$/;

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

const noSuchUpload = uploadId =>
  new S3Error(
    'NoSuchUpload',
    'The specified upload does not exist. The upload ID may be invalid, or ' +
      'the upload may have been aborted or completed.',
    { UploadId: uploadId },
  );

const malformedXml = () =>
  new S3Error(
    'MalformedXML',
    'The XML you provided was not well-formed or did not validate against ' +
      'our published schema.',
  );

const invalidArgument = (message, name, value) =>
  new S3Error('InvalidArgument', message, {
    ArgumentName: name,
    ArgumentValue: value,
  });

// ---------------------------------------------------------------------------
// Reading s3rver's upload state
// ---------------------------------------------------------------------------

const isMissing = err => err.code === 'ENOENT' || err.code === 'ENOTDIR';

function uploadsDir(store, bucket) {
  return store.getResourcePath(bucket, undefined, 'uploads');
}

/** The upload's record, or null if it was never initiated / is gone. */
async function readUpload(store, bucket, uploadId) {
  if (typeof uploadId !== 'string' || !UPLOAD_ID_RE.test(uploadId)) {
    return null;
  }
  const dir = path.join(uploadsDir(store, bucket), uploadId);
  const keyFile = path.join(dir, 'key');
  try {
    const [key, stat] = await Promise.all([
      fs.promises.readFile(keyFile, 'utf8'),
      fs.promises.stat(keyFile),
    ]);
    return { uploadId, key, dir, keyFile, initiated: stat.mtime };
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

async function listUploadRecords(store, bucket) {
  let names;
  try {
    names = await fs.promises.readdir(uploadsDir(store, bucket));
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  const uploads = await Promise.all(
    names.map(name => readUpload(store, bucket, name)),
  );
  return uploads.filter(Boolean);
}

/**
 * Parts stored so far, ascending. A part counts once s3rver has written its
 * .md5 file (i.e. its UploadPart has succeeded).
 */
async function listPartRecords(upload) {
  let names;
  try {
    names = await fs.promises.readdir(upload.dir);
  } catch (err) {
    if (isMissing(err)) return [];
    throw err;
  }
  const parts = await Promise.all(
    names
      .filter(name => /^\d+$/.test(name))
      .map(name => readPart(upload, Number(name))),
  );
  return parts.filter(Boolean).sort((a, b) => a.number - b.number);
}

async function readPart(upload, number) {
  const file = path.join(upload.dir, String(number));
  try {
    const [stat, md5] = await Promise.all([
      fs.promises.stat(file),
      fs.promises.readFile(`${file}.md5`, 'utf8'),
    ]);
    return {
      number,
      etag: md5.trim(),
      size: stat.size,
      lastModified: stat.mtime,
    };
  } catch (err) {
    if (isMissing(err)) return null;
    throw err;
  }
}

async function removeUploadDir(upload) {
  await fs.promises.rm(upload.dir, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
// Request helpers
// ---------------------------------------------------------------------------

function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch (err) {
    return text;
  }
}

/** { bucket, key } the way s3rver's router would see them (path-style). */
function parsePath(requestPath) {
  if (!requestPath.startsWith('/')) return null;
  const rest = requestPath.slice(1);
  const slash = rest.indexOf('/');
  const bucket = safeDecode(slash === -1 ? rest : rest.slice(0, slash));
  const key = slash === -1 ? '' : safeDecode(rest.slice(slash + 1));
  return bucket ? { bucket, key } : null;
}

function queryValue(ctx, name) {
  const value = ctx.query[name];
  return Array.isArray(value) ? value[0] : value;
}

function parseIntArg(ctx, name, { min, max, fallback }) {
  const text = queryValue(ctx, name);
  if (text === undefined || text === '') return fallback;
  if (!/^-?\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    throw invalidArgument(
      `Argument ${name} must be an integer between ${min} and ${max}`,
      name,
      text,
    );
  }
  return Number(text);
}

function classify(ctx) {
  const target = parsePath(ctx.path);
  if (!target) return null;
  const q = ctx.query;
  if (!target.key) {
    return ctx.method === 'GET' && 'uploads' in q
      ? { op: 'listUploads', ...target }
      : null;
  }
  // Let s3rver report conflicting ?uploads&uploadId itself.
  if (!('uploadId' in q) || 'uploads' in q) return null;
  const op = {
    GET: 'listParts',
    DELETE: 'abort',
    POST: 'complete',
    PUT: 'uploadPart',
  }[ctx.method];
  return op ? { op, ...target, uploadId: queryValue(ctx, 'uploadId') } : null;
}

// Reads the whole body; past `limit` bytes it keeps reading (so the client
// gets the error response, not a reset connection) but discards the data.
function readBody(req, limit) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let length = 0;
    req.on('data', chunk => {
      length += chunk.length;
      if (length <= limit) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (length > limit) {
        reject(
          new S3Error('MaxMessageLengthExceeded', 'Your request was too big.'),
        );
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

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

/** Lets s3rver read a body we have already consumed. */
function replayRequestBody(ctx, buffer) {
  const req = ctx.req;
  const body = new PassThrough();
  body.end(buffer);
  for (const prop of FORWARDED_REQ_PROPS) {
    if (req[prop] !== undefined) body[prop] = req[prop];
  }
  body.connection = req.socket;
  const headers = { ...req.headers, 'content-length': String(buffer.length) };
  delete headers['transfer-encoding'];
  body.headers = headers;
  body.rawHeaders = Object.entries(headers).flatMap(([name, value]) =>
    [].concat(value).flatMap(v => [name, String(v)]),
  );
  body.originalRequest = req;
  ctx.req = body;
  ctx.request.req = body;
  ctx.response.req = body;
}

// ---------------------------------------------------------------------------
// XML output
// ---------------------------------------------------------------------------

const XML_ESCAPES = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const esc = value => String(value).replace(/[&<>"']/g, c => XML_ESCAPES[c]);
const text = (name, value) => `<${name}>${esc(value)}</${name}>`;
const elem = (name, children) => `<${name}>${children.join('')}</${name}>`;

function xmlDocument(rootName, children) {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    `<${rootName} xmlns="${S3_XMLNS}">${children.join('')}</${rootName}>`
  );
}

const ownerXml = name =>
  elem(name, [
    text('ID', DUMMY_ACCOUNT.id),
    text('DisplayName', DUMMY_ACCOUNT.displayName),
  ]);

function sendXml(ctx, xml) {
  ctx.status = 200;
  ctx.type = 'application/xml';
  ctx.body = xml;
}

// S3 orders keys by their UTF-8 bytes.
const compareKeys = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

// ---------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------

async function findUpload(ctx, { bucket, key, uploadId }) {
  const upload = await readUpload(ctx.app.store, bucket, uploadId);
  // Real S3 also answers NoSuchUpload when the id belongs to another key.
  if (!upload || upload.key !== key) throw noSuchUpload(uploadId);
  return upload;
}

async function listMultipartUploads(ctx, { bucket }) {
  const prefix = queryValue(ctx, 'prefix') || '';
  const delimiter = queryValue(ctx, 'delimiter') || '';
  const keyMarker = queryValue(ctx, 'key-marker') || '';
  const uploadIdMarker = queryValue(ctx, 'upload-id-marker') || '';
  const encodingType = queryValue(ctx, 'encoding-type');
  if (encodingType !== undefined && encodingType !== 'url') {
    throw invalidArgument(
      'Invalid Encoding Method specified in Request',
      'encoding-type',
      encodingType,
    );
  }
  const maxUploads = Math.min(
    MAX_LIST,
    parseIntArg(ctx, 'max-uploads', {
      min: 0,
      max: 2147483647,
      fallback: MAX_LIST,
    }),
  );
  const enc = value =>
    encodingType === 'url' ? encodeURIComponent(value) : value;

  const uploads = (await listUploadRecords(ctx.app.store, bucket))
    .filter(u => u.key.startsWith(prefix))
    .filter(u => {
      if (!keyMarker) return true;
      const c = compareKeys(u.key, keyMarker);
      return c > 0 || (c === 0 && uploadIdMarker && u.uploadId > uploadIdMarker);
    })
    .sort(
      (a, b) =>
        compareKeys(a.key, b.key) ||
        a.initiated - b.initiated ||
        (a.uploadId < b.uploadId ? -1 : a.uploadId > b.uploadId ? 1 : 0),
    );

  const entries = [];
  const prefixes = new Set();
  let truncated = false;
  let last;
  for (const upload of uploads) {
    let commonPrefix;
    if (delimiter) {
      const i = upload.key.indexOf(delimiter, prefix.length);
      if (i !== -1) commonPrefix = upload.key.slice(0, i + delimiter.length);
    }
    if (commonPrefix !== undefined && prefixes.has(commonPrefix)) continue;
    if (entries.length >= maxUploads) {
      truncated = true;
      break;
    }
    if (commonPrefix !== undefined) {
      prefixes.add(commonPrefix);
      entries.push({ commonPrefix });
    } else {
      entries.push({ upload });
    }
    last = upload;
  }

  const children = [
    text('Bucket', bucket),
    text('KeyMarker', enc(keyMarker)),
    text('UploadIdMarker', uploadIdMarker),
  ];
  if (last) {
    children.push(
      text('NextKeyMarker', enc(last.key)),
      text('NextUploadIdMarker', last.uploadId),
    );
  }
  if (delimiter) children.push(text('Delimiter', enc(delimiter)));
  children.push(text('Prefix', enc(prefix)));
  if (encodingType) children.push(text('EncodingType', encodingType));
  children.push(
    text('MaxUploads', maxUploads),
    text('IsTruncated', truncated),
  );
  for (const entry of entries) {
    if (entry.upload) {
      const u = entry.upload;
      children.push(
        elem('Upload', [
          text('Key', enc(u.key)),
          text('UploadId', u.uploadId),
          ownerXml('Initiator'),
          ownerXml('Owner'),
          text('StorageClass', 'STANDARD'),
          text('Initiated', u.initiated.toISOString()),
        ]),
      );
    }
  }
  for (const entry of entries) {
    if (entry.commonPrefix !== undefined) {
      children.push(
        elem('CommonPrefixes', [text('Prefix', enc(entry.commonPrefix))]),
      );
    }
  }
  sendXml(ctx, xmlDocument('ListMultipartUploadsResult', children));
}

async function listParts(ctx, target) {
  const upload = await findUpload(ctx, target);
  const maxParts = Math.min(
    MAX_LIST,
    parseIntArg(ctx, 'max-parts', { min: 0, max: 2147483647, fallback: MAX_LIST }),
  );
  const marker = parseIntArg(ctx, 'part-number-marker', {
    min: 0,
    max: 2147483647,
    fallback: 0,
  });
  const all = (await listPartRecords(upload)).filter(p => p.number > marker);
  const parts = all.slice(0, maxParts);
  const truncated = all.length > parts.length;

  const children = [
    text('Bucket', target.bucket),
    text('Key', upload.key),
    text('UploadId', upload.uploadId),
    ownerXml('Initiator'),
    ownerXml('Owner'),
    text('StorageClass', 'STANDARD'),
    text('PartNumberMarker', marker),
    text(
      'NextPartNumberMarker',
      parts.length ? parts[parts.length - 1].number : 0,
    ),
    text('MaxParts', maxParts),
    text('IsTruncated', truncated),
  ];
  for (const part of parts) {
    children.push(
      elem('Part', [
        text('PartNumber', part.number),
        text('LastModified', part.lastModified.toISOString()),
        text('ETag', `"${part.etag}"`),
        text('Size', part.size),
      ]),
    );
  }
  sendXml(ctx, xmlDocument('ListPartsResult', children));
}

async function abortMultipartUpload(ctx, target, log) {
  const upload = await findUpload(ctx, target);
  await removeUploadDir(upload);
  log(`aborted upload ${upload.uploadId} of ${target.bucket}/${upload.key}`);
  ctx.status = 204;
}

function parseCompleteBody(xml) {
  if (xmlParser.validate(xml) !== true) throw malformedXml();
  const doc = xmlParser.parse(xml, {
    parseNodeValue: false,
    tagValueProcessor: a => he.decode(a),
  });
  const root = doc && doc.CompleteMultipartUpload;
  if (!root || typeof root !== 'object' || !root.Part) throw malformedXml();
  return [].concat(root.Part).map(part => {
    if (!part || typeof part !== 'object') throw malformedXml();
    const number = String(part.PartNumber === undefined ? '' : part.PartNumber);
    const etag = part.ETag;
    if (!/^\d+$/.test(number.trim()) || typeof etag !== 'string') {
      throw malformedXml();
    }
    return { number: Number(number.trim()), etag };
  });
}

async function completeMultipartUpload(ctx, target, next, log) {
  const upload = await findUpload(ctx, target);
  const body = await readBody(ctx.req, MAX_COMPLETE_BODY);
  const requested = parseCompleteBody(body.toString('utf8'));

  for (let i = 1; i < requested.length; i++) {
    if (requested[i].number <= requested[i - 1].number) {
      throw new S3Error(
        'InvalidPartOrder',
        'The list of parts was not in ascending order. The parts list must ' +
          'be specified in order by part number.',
        { UploadId: upload.uploadId },
      );
    }
  }

  const stored = new Map(
    (await listPartRecords(upload)).map(part => [part.number, part]),
  );
  for (const part of requested) {
    const have = stored.get(part.number);
    // S3 ignores all double quotes when comparing ETags (so does s3rver).
    const etag = part.etag.replace(/"/g, '').trim().toLowerCase();
    if (!have || have.etag.toLowerCase() !== etag) {
      log(
        `rejected complete of ${upload.uploadId}: part ${part.number} ` +
          (have ? `has ETag "${have.etag}", not ${part.etag}` : 'not uploaded'),
      );
      throw new S3Error(
        'InvalidPart',
        'One or more of the specified parts could not be found. The part may ' +
          'not have been uploaded, or the specified entity tag may not match ' +
          "the part's entity tag.",
        { UploadId: upload.uploadId, PartNumber: part.number, ETag: part.etag },
      );
    }
  }

  replayRequestBody(ctx, body);
  let checksum;
  try {
    await next();
  } finally {
    // Stored by the store's putObjectMultipart (store.js).
    const store = ctx.app.store;
    if (typeof store.takeCompletedChecksum === 'function') {
      checksum = store.takeCompletedChecksum(upload.uploadId);
    }
  }
  if (ctx.status === 200) {
    // s3rver deletes the upload directory itself; make sure nothing is left.
    await removeUploadDir(upload);
    // S3 reports the object's checksum in the result (ChecksumCRC32 etc. and
    // ChecksumType, after ETag); s3rver's body is still an object here, it
    // is turned into XML further out.
    const result = ctx.body && ctx.body.CompleteMultipartUploadResult;
    if (checksum && result && typeof result === 'object') {
      result[`Checksum${CHECKSUM_ALGORITHMS[checksum.algorithm].label}`] =
        checksum.value;
      result.ChecksumType = checksum.type;
    }
    log(`completed upload ${upload.uploadId} of ${target.bucket}/${upload.key}`);
  }
}

async function uploadPart(ctx, target, next, log) {
  const upload = await findUpload(ctx, target);
  const partNumber = queryValue(ctx, 'partNumber');
  if (
    partNumber === undefined ||
    !/^\d+$/.test(partNumber) ||
    Number(partNumber) < 1 ||
    Number(partNumber) > MAX_PART_NUMBER
  ) {
    throw invalidArgument(
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive`,
      'partNumber',
      partNumber === undefined ? '' : partNumber,
    );
  }
  let failure;
  try {
    await next();
  } catch (err) {
    failure = err;
  }
  // Aborted while the part was being written: s3rver's putPart either failed
  // (500, its .md5 file could not be written) or recreated the directory.
  // Real S3 may or may not accept a part that races with an abort; answer
  // NoSuchUpload and leave nothing behind.
  if (failure || ctx.status === 200) {
    let gone = false;
    try {
      await fs.promises.access(upload.keyFile);
    } catch (err) {
      if (!isMissing(err)) throw err;
      gone = true;
    }
    if (gone) {
      await removeUploadDir(upload);
      log(`discarded part ${partNumber} of aborted upload ${upload.uploadId}`);
      throw noSuchUpload(upload.uploadId);
    }
  }
  if (failure) throw failure;
}

// ---------------------------------------------------------------------------
// Middleware
// ---------------------------------------------------------------------------

function multipartMiddleware({ log = () => {} } = {}) {
  // s3rver's own access key / signature check, which normally runs inside its
  // router (it reads ctx.params.bucket / key for V2 signatures).
  const authenticate = authentication();

  return async function multipartUploads(ctx, next) {
    const target = classify(ctx);
    if (!target) return next();

    const savedParams = ctx.params;
    ctx.params = { bucket: target.bucket };
    if (target.key) ctx.params.key = target.key;
    try {
      await authenticate(ctx, async () => {});
    } finally {
      ctx.params = savedParams;
    }

    if (!(await ctx.app.store.getBucket(target.bucket))) {
      throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', {
        BucketName: target.bucket,
      });
    }

    switch (target.op) {
      case 'listUploads':
        return listMultipartUploads(ctx, target);
      case 'listParts':
        return listParts(ctx, target);
      case 'abort':
        return abortMultipartUpload(ctx, target, log);
      case 'complete':
        return completeMultipartUpload(ctx, target, next, log);
      case 'uploadPart':
        return uploadPart(ctx, target, next, log);
      default:
        throw new Error(`unexpected operation ${target.op}`);
    }
  };
}

/** Inserts the middleware directly in front of s3rver's router. */
function installMultipartMiddleware(server, options) {
  const index = server.middleware.findIndex(mw => mw && mw.router);
  if (index === -1) {
    throw new Error("s3rver's router middleware not found");
  }
  server.middleware.splice(index, 0, multipartMiddleware(options));
}

module.exports = {
  installMultipartMiddleware,
  multipartMiddleware,
};

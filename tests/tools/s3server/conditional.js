'use strict';

// Real-S3 conditional and range handling for GetObject / HeadObject on top of
// s3rver 3.7.1 (see README.md).
//
// s3rver's getObject controller gets these wrong:
//
// - If-Match and If-Unmodified-Since are ignored (200 instead of 412);
// - If-None-Match only matches when the header is exactly the quoted ETag or
//   `*` (no lists, no unquoted / weak tags), and its 304 carries neither ETag
//   nor Last-Modified (and leaks the object's open file descriptor until the
//   response finishes);
// - If-Modified-Since is evaluated even when If-None-Match is present, and
//   after the range check (an unsatisfiable range wins over a 304);
// - Range: `bytes=-N` is served as `bytes=0-N`, `bytes=0-0` as the whole
//   object (with status 206), a multi-range request makes it fail, and any
//   range on an empty object is served as 206 `bytes 0-0/0`; a 416 carries
//   no `Content-Range: bytes */<size>`.
//
// So the middleware below, for a plain GET / HEAD of an object, hides the
// Range and If-* headers from s3rver, lets s3rver do everything else exactly
// as it would for an unconditional request (access-key check, NoSuchBucket /
// NoSuchKey, CORS, response-* header overrides, metadata headers, the read
// stream), and then evaluates the preconditions and the range against the
// ETag / Last-Modified / Content-Length s3rver put in its 200 response, in the
// order of RFC 9110 section 13.2.2 (which is also what the S3 GetObject
// documentation describes):
//
//   1. If-Match present:  false -> 412 PreconditionFailed
//      else If-Unmodified-Since (valid date): modified since -> 412
//   2. If-None-Match present: false (a tag matches, or `*`) -> 304
//      else If-Modified-Since (valid date): not modified since -> 304
//   3. Range (single `bytes=` range only; anything else is ignored and the
//      whole object is served with 200): 206 with Content-Range, or
//      416 InvalidRange with `Content-Range: bytes */<size>`.
//
// A 206 is served from a new fs.createReadStream(path, { start, end }) of the
// object file s3rver opened (s3rver's own stream is destroyed unread), so the
// bytes are streamed, never buffered.

const fs = require('fs');

const S3Error = require('s3rver/lib/models/error');
const bucketCtrl = require('s3rver/lib/controllers/bucket');
const objectCtrl = require('s3rver/lib/controllers/object');

// Query parameters that make s3rver's router dispatch a GET / HEAD on
// /bucket/key to something other than getObject (routes.js: queryMethod).
const SUBRESOURCES = new Set([...bucketCtrl.METHODS, ...objectCtrl.METHODS]);

// Request headers s3rver must not see (it evaluates them wrongly).
const HIDDEN_HEADERS = [
  'range',
  'if-match',
  'if-none-match',
  'if-modified-since',
  'if-unmodified-since',
];

// Representation headers kept on a 304 (RFC 9110 section 15.4.5; real S3
// sends ETag and Last-Modified, plus its x-amz-* request ids).
const KEPT_ON_304 =
  /^(etag|last-modified|cache-control|expires|vary|access-control-.*)$/i;

// ---------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------

/**
 * An If-Match / If-None-Match value: '*' or a list of entity tags.
 * Returns { any: true } or { tags: [{ weak, value }] } (value without
 * quotes). Unquoted tags are accepted as well (S3 ignores the quotes).
 */
function parseEtagList(header) {
  const text = String(header).trim();
  if (text === '*') return { any: true };
  const tags = [];
  for (let part of text.split(',')) {
    part = part.trim();
    if (!part) continue;
    if (part === '*') return { any: true };
    let weak = false;
    if (/^w\//i.test(part)) {
      weak = true;
      part = part.slice(2).trim();
    }
    if (part.length >= 2 && part.startsWith('"') && part.endsWith('"')) {
      part = part.slice(1, -1);
    }
    tags.push({ weak, value: part });
  }
  return { tags };
}

const unquote = etag =>
  String(etag)
    .trim()
    .replace(/^W\//i, '')
    .replace(/^"|"$/g, '');

/** If-Match: strong comparison (a weak tag never matches). */
function ifMatchHolds(header, etag) {
  const list = parseEtagList(header);
  if (list.any) return true;
  const current = unquote(etag);
  return list.tags.some(t => !t.weak && t.value === current);
}

/** If-None-Match: weak comparison; true when no tag matches. */
function ifNoneMatchHolds(header, etag) {
  const list = parseEtagList(header);
  if (list.any) return false;
  const current = unquote(etag);
  return !list.tags.some(t => t.value === current);
}

/** Milliseconds since the epoch, or undefined for an invalid HTTP-date. */
function parseHttpDate(header) {
  if (header === undefined) return undefined;
  const ms = Date.parse(String(header).trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The Range header against an object of `size` bytes:
 *   undefined                      ignore it (absent, not `bytes=`, invalid,
 *                                  or more than one range: serve 200)
 *   { unsatisfiable: true }        416
 *   { whole: true }                200 (suffix range on an empty object)
 *   { start, end }                 206, inclusive byte positions
 */
function parseRange(header, size) {
  if (header === undefined) return undefined;
  const m = /^\s*bytes\s*=\s*(.*?)\s*$/i.exec(String(header));
  if (!m) return undefined;
  const spec = m[1];
  // S3 serves only single ranges; for several it ignores the header.
  if (spec.includes(',')) return undefined;
  const r = /^(\d*)\s*-\s*(\d*)$/.exec(spec);
  if (!r || (r[1] === '' && r[2] === '')) return undefined;

  if (r[1] === '') {
    // bytes=-N: the last N bytes (all of them if N >= size).
    const suffix = Number(r[2]);
    if (suffix === 0) return { unsatisfiable: true };
    // RFC 9110: on an empty representation only a non-zero suffix range is
    // satisfiable, but a 206 cannot describe zero bytes; S3 answers 200.
    if (size === 0) return { whole: true };
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }

  const start = Number(r[1]);
  let end = r[2] === '' ? Infinity : Number(r[2]);
  if (end < start) return undefined; // invalid range-spec: ignored
  if (start >= size) return { unsatisfiable: true };
  end = Math.min(end, size - 1);
  return { start, end };
}

// ---------------------------------------------------------------------------
// Responses
// ---------------------------------------------------------------------------

function destroyBody(ctx) {
  const body = ctx.body;
  if (body && typeof body.destroy === 'function') body.destroy();
}

/**
 * An S3 XML error response, with the headers s3rver's own error handler
 * (s3rver.js onerror) keeps: Access-Control-*, Vary and x-amz-* (but not the
 * object's x-amz-meta-* / storage class / redirect location, which real S3
 * does not send with an error). Answered here rather than thrown because
 * that handler would also drop `extraHeaders` (Content-Range on a 416).
 * Node sends no body for HEAD.
 */
function sendError(ctx, err, extraHeaders = {}) {
  destroyBody(ctx);
  const res = ctx.res;
  for (const name of res.getHeaderNames()) {
    const keep =
      /^(access-control-|vary$)/i.test(name) ||
      (/^x-amz-/i.test(name) &&
        !/^x-amz-(meta-|storage-class$|website-redirect-location$)/i.test(
          name,
        ));
    if (!keep) res.removeHeader(name);
  }
  const xml = err.toXML();
  ctx.status = err.status;
  ctx.type = 'application/xml';
  ctx.body = xml;
  ctx.set(extraHeaders);
}

function preconditionFailed(ctx, condition) {
  sendError(
    ctx,
    new S3Error(
      'PreconditionFailed',
      'At least one of the pre-conditions you specified did not hold',
      { Condition: condition },
    ),
  );
}

function notModified(ctx) {
  destroyBody(ctx);
  for (const name of ctx.res.getHeaderNames()) {
    if (!KEPT_ON_304.test(name) && !/^x-amz-(?!meta-)/i.test(name)) {
      ctx.res.removeHeader(name);
    }
  }
  ctx.body = null;
  ctx.status = 304;
}

// ---------------------------------------------------------------------------
// Middleware
// ---------------------------------------------------------------------------

/** A GET / HEAD that s3rver's router will hand to its getObject controller. */
function isObjectRead(ctx) {
  if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return false;
  // /bucket/key (path-style; vhost-style was already rewritten by s3rver).
  if (!/^\/[^/]+\/./.test(ctx.path)) return false;
  return !Object.keys(ctx.query).some(name => SUBRESOURCES.has(name));
}

function conditionalMiddleware({ log = () => {} } = {}) {
  return async function conditionalObjectRead(ctx, next) {
    if (!isObjectRead(ctx)) return next();

    const headers = ctx.req.headers;
    const hidden = {};
    for (const name of HIDDEN_HEADERS) {
      if (headers[name] !== undefined) {
        hidden[name] = headers[name];
        delete headers[name];
      }
    }
    if (Object.keys(hidden).length === 0) return next();

    try {
      await next();
    } finally {
      Object.assign(headers, hidden);
    }

    // Anything but s3rver's 200 object response (errors were thrown and are
    // already on their way out; redirects etc.) is left alone.
    const etag = ctx.response.get('ETag');
    const lastModifiedText = ctx.response.get('Last-Modified');
    const sizeText = ctx.response.get('Content-Length');
    if (ctx.status !== 200 || !etag || !lastModifiedText || sizeText === '') {
      return;
    }
    const size = Number(sizeText);
    const lastModified = Date.parse(lastModifiedText); // whole seconds

    // 1. If-Match, else If-Unmodified-Since.
    if (hidden['if-match'] !== undefined) {
      if (!ifMatchHolds(hidden['if-match'], etag)) {
        log(
          `412 ${ctx.method} ${ctx.path}: If-Match ${hidden['if-match']}, ` +
            `ETag is ${etag}`,
        );
        return preconditionFailed(ctx, 'If-Match');
      }
    } else {
      const since = parseHttpDate(hidden['if-unmodified-since']);
      if (since !== undefined && lastModified > since) {
        log(
          `412 ${ctx.method} ${ctx.path}: If-Unmodified-Since ` +
            `${hidden['if-unmodified-since']}, ` +
            `Last-Modified is ${lastModifiedText}`,
        );
        return preconditionFailed(ctx, 'If-Unmodified-Since');
      }
    }

    // 2. If-None-Match, else If-Modified-Since.
    if (hidden['if-none-match'] !== undefined) {
      if (!ifNoneMatchHolds(hidden['if-none-match'], etag)) {
        return notModified(ctx);
      }
    } else {
      const since = parseHttpDate(hidden['if-modified-since']);
      if (since !== undefined && lastModified <= since) {
        return notModified(ctx);
      }
    }

    // 3. Range.
    const range = parseRange(hidden.range, size);
    if (!range || range.whole) return;
    if (range.unsatisfiable) {
      return sendError(
        ctx,
        new S3Error('InvalidRange', 'The requested range is not satisfiable', {
          RangeRequested: hidden.range,
          ActualObjectSize: size,
        }),
        { 'Content-Range': `bytes */${size}` },
      );
    }

    const length = range.end - range.start + 1;
    if (ctx.method === 'GET') {
      const original = ctx.body;
      const file =
        original && typeof original.path === 'string'
          ? original.path
          : ctx.store.getResourcePath(
              ctx.params.bucket,
              ctx.params.key,
              'object',
            );
      let content;
      try {
        content = await new Promise((resolve, reject) => {
          const stream = fs
            .createReadStream(file, { start: range.start, end: range.end })
            .once('error', reject)
            .once('open', () => resolve(stream));
        });
      } catch (err) {
        if (err.code !== 'ENOENT') throw err;
        // Deleted since s3rver opened it.
        destroyBody(ctx);
        throw new S3Error('NoSuchKey', 'The specified key does not exist.', {
          Key: ctx.params.key,
        });
      }
      destroyBody(ctx);
      ctx.body = content;
    }
    ctx.status = 206;
    ctx.set('Content-Range', `bytes ${range.start}-${range.end}/${size}`);
    ctx.length = length;
  };
}

/** Inserts the middleware directly in front of s3rver's router. */
function installConditionalMiddleware(server, options) {
  const index = server.middleware.findIndex(mw => mw && mw.router);
  if (index === -1) {
    throw new Error("s3rver's router middleware not found");
  }
  server.middleware.splice(index, 0, conditionalMiddleware(options));
}

module.exports = {
  conditionalMiddleware,
  installConditionalMiddleware,
  parseEtagList,
  parseRange,
};

'use strict';

// --request-log FILE: one JSON line per request the emulator answered, so a
// test can count on the S3 side what an S3 client (the gateway) fetched,
// instead of trusting the client's own telemetry. See README.md
// ("Request log").

const fs = require('fs');

// Statuses that never carry a body (RFC 9110 section 6.4.1); Node drops any
// body bytes written for them, and for HEAD, so none are counted.
const BODYLESS_STATUS = new Set([204, 304]);

function keyOf(url) {
  const raw = String(url || '').split('?', 1)[0].replace(/^\/+/, '');
  try {
    return decodeURIComponent(raw);
  } catch (err) {
    return raw; // not valid percent-encoding: log it as sent
  }
}

function headerOrNull(headers, name) {
  const value = headers[name];
  if (value === undefined) return null;
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function chunkLength(chunk, encoding) {
  if (chunk === undefined || chunk === null || typeof chunk === 'function') {
    return 0;
  }
  if (typeof chunk === 'string') {
    return Buffer.byteLength(
      chunk,
      typeof encoding === 'string' ? encoding : 'utf8',
    );
  }
  return chunk.length;
}

/**
 * Opens FILE for appending and returns a Koa middleware that must be the
 * very first one (outside s3rver's error handling, so error answers and
 * requests a later middleware replaces ctx.req for are logged too).
 *
 * When the line is written: before the client can have seen the whole
 * response, so a test that has just read a response finds its line. That is
 * when the body bytes handed to the socket reach the response's
 * Content-Length (before that last write), or on res.end() (bodies without a
 * length, bodyless answers), whichever comes first. A response whose
 * connection closes before either is logged on 'close' with aborted: true
 * and the body bytes handed to the socket until then (some may have been
 * buffered and never reached the client).
 *
 * Lines are written with one synchronous write(2) each on an O_APPEND
 * descriptor: Node runs this on one thread, so lines never interleave, and a
 * reader that truncates the file (DedicatedS3Server.ClearRequests) makes the
 * next line start at offset 0 instead of leaving a hole.
 */
function requestLogMiddleware(file) {
  const fd = fs.openSync(file, 'a');

  return async function requestLog(ctx, next) {
    const req = ctx.req;
    const res = ctx.res;
    const method = req.method;
    const record = {
      method,
      key: keyOf(req.url),
      range: headerOrNull(req.headers, 'range'),
      ifMatch: headerOrNull(req.headers, 'if-match'),
    };
    let bytes = 0;
    let logged = false;

    const hasBody = () =>
      method !== 'HEAD' && !BODYLESS_STATUS.has(res.statusCode);

    const log = aborted => {
      if (logged) return;
      logged = true;
      const line = JSON.stringify({
        ...record,
        status: res.statusCode,
        bytes: hasBody() ? bytes : 0,
        aborted,
      });
      fs.writeSync(fd, `${line}\n`);
    };

    const declaredLength = () => {
      const value = res.getHeader('content-length');
      return value === undefined ? undefined : Number(value);
    };

    const write = res.write;
    res.write = function loggedWrite(chunk, encoding, callback) {
      if (!res.destroyed) {
        bytes += chunkLength(chunk, encoding);
        const length = declaredLength();
        if (length !== undefined && bytes >= length) log(false);
      }
      return write.call(this, chunk, encoding, callback);
    };

    const end = res.end;
    res.end = function loggedEnd(chunk, encoding, callback) {
      if (!res.destroyed) {
        bytes += chunkLength(chunk, encoding);
        log(false);
      }
      return end.call(this, chunk, encoding, callback);
    };

    res.once('close', () => log(true));

    return next();
  };
}

module.exports = { requestLogMiddleware };

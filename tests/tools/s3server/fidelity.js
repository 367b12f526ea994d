'use strict';

// Store and error fixes that make s3rver behave as S3 does where the gateway's
// tests can tell (see README.md, "Defects corrected"):
//
// 1. Long key segments. s3rver maps every "/"-separated key segment to a file
//    or folder name, plus a "._S3rver_object" suffix on the last one, so a
//    segment over ~230 bytes fails with ENAMETOOLONG (a 500) although S3 takes
//    keys up to 1024 bytes. Segments over LONG_SEGMENT_BYTES are stored under a
//    name derived from their SHA-256 instead (ListObjects shows that name).
// 2. Whole-object writes. s3rver writes a PutObject (and the object a
//    CompleteMultipartUpload assembles) in place, and its MD5 and metadata
//    afterwards, so concurrent PUTs of one key can leave a mix of two bodies,
//    or a body with another upload's ETag. Here the body goes to a temp file,
//    and the rename into place plus the metadata write happen under a per-key
//    lock: the object is always one whole upload with its own ETag.
// 3. Error XML. s3rver escapes error text with HTML named entities
//    ("&egrave;"), which XML parsers (AWSSDK's among them) reject, so a 404 for
//    a non-ASCII key turned into an unparsable response. Numeric character
//    references are valid XML.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Transform } = require('stream');
const { pipeline } = require('stream/promises');

const he = require('he');
const { j2xParser } = require('fast-xml-parser');
const S3Error = require('s3rver/lib/models/error');

// NAME_MAX is 255 bytes; the longest suffix s3rver adds is "._S3rver_metadata.json".
const LONG_SEGMENT_BYTES = 200;

function storableSegment(segment) {
  if (Buffer.byteLength(segment, 'utf8') <= LONG_SEGMENT_BYTES) return segment;
  return '~sha256-' + crypto.createHash('sha256').update(segment, 'utf8').digest('hex');
}

function installLongKeySegments(store) {
  const original = store.getResourcePath.bind(store);
  store.getResourcePath = (bucket, key = '', resource) =>
    original(bucket, key.split('/').map(storableSegment).join('/'), resource);
}

// One commit at a time per object path; different keys never wait on each other.
function keyedLock() {
  const tails = new Map();
  return async (name, work) => {
    const previous = tails.get(name) || Promise.resolve();
    let release;
    const mine = new Promise(resolve => (release = resolve));
    const tail = previous.then(() => mine);
    tails.set(name, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (tails.get(name) === tail) tails.delete(name);
    }
  };
}

function installAtomicPuts(store) {
  const lock = keyedLock();
  store.putObject = async function putObject(object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    const tempPath = `${objectPath}.${process.pid}.${crypto.randomBytes(8).toString('hex')}.tmp`;
    const md5 = crypto.createHash('md5');
    let size = 0;
    const measure = new Transform({
      transform(chunk, encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    try {
      if (Buffer.isBuffer(object.content)) {
        measure.end(object.content);
        await pipeline(measure, fs.createWriteStream(tempPath));
      } else {
        await pipeline(object.content, measure, fs.createWriteStream(tempPath));
      }
      const digest = md5.digest('hex');
      await lock(objectPath, async () => {
        await fs.promises.rename(tempPath, objectPath);
        await this.putMetadata(object.bucket, object.key, object.metadata, digest);
      });
      return { size, md5: digest };
    } catch (err) {
      await fs.promises.rm(tempPath, { force: true });
      throw err;
    }
  };
}

function installXmlSafeErrors() {
  S3Error.prototype.toXML = function toXML() {
    const parser = new j2xParser({
      tagValueProcessor: value => he.encode(value.toString(), { useNamedReferences: false, decimal: true }),
    });
    return [
      '<?xml version="1.0" encoding="UTF-8"?>',
      parser.parse({ Error: { Code: this.code, Message: this.message, ...this.detail } }),
    ].join('\n');
  };
}

function installStoreFidelity(server) {
  installLongKeySegments(server.store);
  installAtomicPuts(server.store);
  installXmlSafeErrors();
}

module.exports = { installStoreFidelity, storableSegment };

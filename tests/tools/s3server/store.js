'use strict';

// s3rver 3.7.1's FilesystemStore with the fixes S3 route tests need (see
// README.md, "What it fixes: object storage").
//
// 1. Long key segments. FilesystemStore stores key `a/b/c` as the file
//    `<bucket>/a/b/c._S3rver_object` (plus `.md5` and `._S3rver_metadata.json`
//    siblings), so a key segment longer than NAME_MAX (255 bytes) less those
//    suffixes cannot be stored: ENAMETOOLONG, which crashed the whole process
//    for the last segment (an unhandled write-stream error) and was a 500 for
//    a directory segment. S3 has no per-segment limit (a key is up to 1024
//    UTF-8 bytes). Here a segment over SEGMENT_BYTES is stored as a chain of
//    directories, each further piece prefixed with CONTINUATION:
//
//      <300 x "a">  ->  <160 x "a">/._S3rver_cont_<140 x "a">
//
//    The mapping is reversible (decodeKey), so no index is needed, and it is
//    prefix-preserving. s3rver's listObjects prunes its directory walk
//    treating every on-disk `/` as a key `/`, so it is replaced (listObjects).
//
// 2. Atomic writes. FilesystemStore.putObject truncates and rewrites the
//    object file in place, then writes the .md5 and metadata files: two
//    concurrent PUTs of one key interleave into a mix of both bodies, with the
//    ETag of either. Here a PUT (also the one CompleteMultipartUpload and
//    CopyObject end with) writes temp files next to the object and renames
//    them into place under a per-object lock that readers take too, so the
//    object is always exactly one upload, with that upload's metadata.
//
// 3. Stored checksums (S3 flexible checksums, see checksums.js). Every object
//    written gets a checksum, kept in its metadata file (so it is committed,
//    replaced and removed with the object, and survives a restart): the one
//    the PutObject carried, else the default one computed while the body is
//    written; for CompleteMultipartUpload the full-object or composite one
//    the upload asked for; CopyObject copies the source's. It is read back,
//    never recomputed, so an object corrupted on disk keeps the checksum of
//    what was uploaded.

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Transform } = require('stream');
const { pipeline } = require('stream/promises');

const FilesystemStore = require('s3rver/lib/stores/filesystem');
const S3Object = require('s3rver/lib/models/object');
const { walk } = require('s3rver/lib/utils');

const {
  CHECKSUM_ALGORITHMS,
  COMPOSITE,
  FULL_OBJECT,
  REQUEST_CHECKSUM,
  STORED_CHECKSUM,
  checksumHeaders,
  compositeValue,
  isStoredChecksum,
  uploadChecksumPlan,
} = require('./checksums');

// NAME_MAX is 255 bytes; the longest on-disk name is CONTINUATION (14) +
// SEGMENT_BYTES + `._S3rver_metadata.json` (22) + a temp suffix (21) = 217.
const SEGMENT_BYTES = 160;
const CONTINUATION = '._S3rver_cont_';
const OBJECT_SUFFIX = '._S3rver_object';
// Where the checksum lives in `._S3rver_metadata.json`. s3rver copies only the
// standard headers and x-amz-meta-* from that file into an object's headers,
// so this entry never leaks out as a header by itself.
const CHECKSUM_METADATA_KEY = 'launcher-checksum';

function encodeSegment(segment) {
  if (Buffer.byteLength(segment) <= SEGMENT_BYTES) return segment;
  const pieces = [];
  let piece = '';
  // By code point, so that no piece ends in half a UTF-8 sequence.
  for (const ch of segment) {
    if (Buffer.byteLength(piece + ch) > SEGMENT_BYTES) {
      pieces.push(piece);
      piece = '';
    }
    piece += ch;
  }
  pieces.push(piece);
  return pieces.join(`/${CONTINUATION}`);
}

/** Key -> path relative to the bucket directory (without the suffix). */
function encodeKey(key) {
  return FilesystemStore.encodeKeyPath(key)
    .split('/')
    .map(encodeSegment)
    .join('/');
}

/** The inverse of encodeKey. */
function decodeKey(relativePath) {
  return FilesystemStore.decodeKeyPath(
    relativePath.split(`/${CONTINUATION}`).join(''),
  );
}

// S3 lists keys in the order of their UTF-8 bytes.
const compareKeys = (a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b));

async function unlinkQuietly(file) {
  try {
    await fs.promises.unlink(file);
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
  }
}

/**
 * Writes a stream, async iterable or Buffer to `file`, feeding `hasher` (if
 * any) as the bytes pass; resolves to { size, md5 }.
 */
async function writeContent(file, content, hasher) {
  const md5 = crypto.createHash('md5');
  let size = 0;
  const source = Buffer.isBuffer(content) ? [content] : content;
  await pipeline(
    source,
    new Transform({
      transform(chunk, encoding, callback) {
        md5.update(chunk);
        if (hasher) hasher.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    }),
    fs.createWriteStream(file, { flags: 'wx' }),
  );
  return { size, md5: md5.digest('hex') };
}

class LauncherStore extends FilesystemStore {
  /**
   * `defaultChecksum`: the algorithm of the full-object checksum computed for
   * an upload that carried none (`crc32`, `crc64nvme`), or null for none.
   */
  constructor(rootDirectory, { defaultChecksum = 'crc32' } = {}) {
    super(rootDirectory);
    if (defaultChecksum !== null && !CHECKSUM_ALGORITHMS[defaultChecksum]) {
      throw new Error(`unknown default checksum ${defaultChecksum}`);
    }
    this.defaultChecksum = defaultChecksum;
    this.locks = new Map(); // object file path -> tail of its queue
    // uploadId -> checksum stored by its CompleteMultipartUpload, until
    // multipart.js puts it in the response (takeCompletedChecksum).
    this.completedChecksums = new Map();
  }

  /** Runs fn once every earlier holder of `file`'s lock is done. */
  withLock(file, fn) {
    const previous = this.locks.get(file) || Promise.resolve();
    const result = previous.then(fn);
    const tail = result.catch(() => {});
    this.locks.set(file, tail);
    tail.then(() => {
      if (this.locks.get(file) === tail) this.locks.delete(file);
    });
    return result;
  }

  getResourcePath(bucket, key = '', resource) {
    const parts = encodeKey(key).split('/');
    const name = `${parts.pop()}._S3rver_${resource}`;
    return path.join(this.rootDirectory, bucket, ...parts, name);
  }

  // Metadata and the open content stream of one upload: a commit cannot slip
  // in between (an open file keeps its content when renamed over). The stored
  // checksum is read under the same lock, so it is that upload's too. It goes
  // into the object's headers (s3rver's getObject sends every entry of
  // object.metadata); checksums.js removes it from the responses S3 would
  // send it without. Also kept as object.checksum, for copyObject.
  getObject(bucket, key, options) {
    return this.withLock(
      this.getResourcePath(bucket, key, 'object'),
      async () => {
        const object = await super.getObject(bucket, key, options);
        if (!object) return object;
        try {
          const checksum = await this.readChecksum(bucket, key);
          if (checksum) {
            object.checksum = checksum;
            Object.assign(object.metadata, checksumHeaders(checksum));
          }
        } catch (err) {
          if (object.content) object.content.destroy();
          throw err;
        }
        return object;
      },
    );
  }

  /** The stored checksum, or undefined (none, e.g. an object stored before). */
  async readChecksum(bucket, key) {
    let stored;
    try {
      stored = JSON.parse(
        await fs.promises.readFile(
          this.getResourcePath(bucket, key, 'metadata.json'),
          'utf8',
        ),
      );
    } catch (err) {
      if (err.code === 'ENOENT' || err instanceof SyntaxError) return undefined;
      throw err;
    }
    const checksum = stored && stored[CHECKSUM_METADATA_KEY];
    return isStoredChecksum(checksum)
      ? {
          algorithm: checksum.algorithm,
          value: checksum.value,
          type: checksum.type,
        }
      : undefined;
  }

  /**
   * What the checksum of an upload will be: { algorithm, type, value }, where
   * value is a string (known already), a function (known once the body is
   * written) or undefined (computed while the body is written); or null.
   * `requested` as putObject's option; without it, the checksum the request
   * carried (start.js sets it on the body it hands to s3rver), else the
   * default.
   */
  checksumPlan(content, requested) {
    if (requested !== undefined) return requested;
    const sent = content && content[REQUEST_CHECKSUM];
    if (sent) {
      return { algorithm: sent.algorithm, type: FULL_OBJECT, value: sent.value };
    }
    return this.defaultChecksum
      ? { algorithm: this.defaultChecksum, type: FULL_OBJECT }
      : null;
  }

  /**
   * Resolves to { size, md5, checksum }. `options.checksum`: the checksum to
   * store (see checksumPlan; null for none), instead of the request's or the
   * default one.
   */
  async putObject(object, options = {}) {
    const { bucket, key } = object;
    const objectPath = this.getResourcePath(bucket, key, 'object');
    const md5Path = this.getResourcePath(bucket, key, 'object.md5');
    const metadataPath = this.getResourcePath(bucket, key, 'metadata.json');
    const tmp = file =>
      `${file}.${crypto.randomBytes(8).toString('hex')}.tmp`;
    const staged = [
      [tmp(objectPath), objectPath],
      [tmp(md5Path), md5Path],
      [tmp(metadataPath), metadataPath],
    ];

    const plan = this.checksumPlan(object.content, options.checksum);
    const hasher =
      plan && plan.value === undefined
        ? CHECKSUM_ALGORITHMS[plan.algorithm].create()
        : undefined;

    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    try {
      const { size, md5 } = await writeContent(
        staged[0][0],
        object.content,
        hasher,
      );
      // What FilesystemStore.putMetadata stores.
      const metadata = {};
      for (const [name, value] of Object.entries(object.metadata)) {
        if (
          S3Object.ALLOWED_METADATA.includes(name) ||
          name.startsWith('x-amz-meta-')
        ) {
          metadata[name] = value;
        }
      }
      let checksum = null;
      if (plan) {
        let value = plan.value;
        if (hasher) value = hasher.digest().toString('base64');
        else if (typeof value === 'function') value = value();
        checksum = { algorithm: plan.algorithm, value, type: plan.type };
        // In the metadata file, so the rename below commits it with the body.
        metadata[CHECKSUM_METADATA_KEY] = checksum;
      }
      await fs.promises.writeFile(staged[1][0], md5);
      await fs.promises.writeFile(
        staged[2][0],
        JSON.stringify(metadata, null, 2),
      );
      await this.withLock(objectPath, () =>
        Promise.all(staged.map(([from, to]) => fs.promises.rename(from, to))),
      );
      // For the PutObject response (checksums.js).
      if (object.content && !Buffer.isBuffer(object.content)) {
        object.content[STORED_CHECKSUM] = checksum;
      }
      return { size, md5, checksum };
    } finally {
      // Nothing left after a commit; after a failure, the partial files.
      await Promise.all(staged.map(([from]) => unlinkQuietly(from)));
    }
  }

  // FilesystemStore copies the files in place; a copy is a GET and a PUT.
  async copyObject(srcBucket, srcKey, destBucket, destKey, replacementMetadata) {
    const source = await this.getObject(srcBucket, srcKey);
    if (!source) {
      throw Object.assign(new Error(`${srcBucket}/${srcKey} not found`), {
        code: 'ENOENT',
      });
    }
    // S3 copies the checksum (an object stored before checksums were kept
    // gets the default one, computed while copying).
    await this.putObject(
      new S3Object(
        destBucket,
        destKey,
        source.content,
        replacementMetadata || source.metadata,
      ),
      { checksum: source.checksum },
    );
    return this.getMetadata(destBucket, destKey);
  }

  // FilesystemStore concatenates the part files into putObject; this does
  // the same, and also works out the object's checksum on the way: the
  // full-object one over all the bytes written (putObject computes it), or a
  // composite one from a checksum of each part, computed as the part is
  // streamed into the object.
  async putObjectMultipart(bucket, uploadId, parts) {
    const uploadDir = path.join(
      this.getResourcePath(bucket, undefined, 'uploads'),
      uploadId,
    );
    const [key, metadata] = await Promise.all([
      fs.promises.readFile(path.join(uploadDir, 'key'), 'utf8'),
      fs.promises.readFile(path.join(uploadDir, 'metadata'), 'utf8').then(JSON.parse),
    ]);
    const plan = uploadChecksumPlan(metadata, this.defaultChecksum);
    const composite = plan !== null && plan.type === COMPOSITE;
    const ordered = [...parts].sort((a, b) => a.number - b.number);
    const partDigests = [];
    async function* assemble() {
      for (const part of ordered) {
        const hasher = composite
          ? CHECKSUM_ALGORITHMS[plan.algorithm].create()
          : undefined;
        const file = path.join(uploadDir, String(part.number));
        for await (const chunk of fs.createReadStream(file)) {
          if (hasher) hasher.update(chunk);
          yield chunk;
        }
        if (hasher) partDigests.push(hasher.digest());
      }
    }
    const checksum = composite
      ? { ...plan, value: () => compositeValue(plan.algorithm, partDigests) }
      : plan;
    const result = await this.putObject(
      new S3Object(bucket, key, assemble(), metadata),
      { checksum },
    );
    this.completedChecksums.set(uploadId, result.checksum);
    await fs.promises.rm(uploadDir, { recursive: true, force: true });
    return result;
  }

  /** The checksum the Complete of `uploadId` stored (once), or undefined. */
  takeCompletedChecksum(uploadId) {
    const checksum = this.completedChecksums.get(uploadId);
    this.completedChecksums.delete(uploadId);
    return checksum || undefined;
  }

  async deleteObject(bucket, key) {
    const objectPath = this.getResourcePath(bucket, key, 'object');
    await this.withLock(objectPath, () =>
      Promise.all(
        ['object', 'object.md5', 'metadata.json'].map(resource =>
          unlinkQuietly(this.getResourcePath(bucket, key, resource)),
        ),
      ),
    );
    // Remove the directories left empty, up to the bucket (as s3rver does,
    // but with the on-disk names).
    const bucketPath = this.getBucketPath(bucket);
    for (
      let dir = path.dirname(objectPath);
      dir.startsWith(bucketPath + path.sep);
      dir = path.dirname(dir)
    ) {
      try {
        await fs.promises.rmdir(dir);
      } catch (err) {
        if (['ENOTEMPTY', 'EEXIST', 'ENOENT'].includes(err.code)) break;
        throw err;
      }
    }
  }

  // s3rver's own version prunes the walk on on-disk paths and compares keys
  // as UTF-16 strings; this one walks the whole bucket, decodes every key and
  // sorts in S3's order. Same options and result shape (maxKeys counts
  // objects only, as in s3rver).
  async listObjects(bucket, options) {
    const {
      delimiter = '',
      startAfter = '',
      prefix = '',
      maxKeys = Infinity,
    } = options;
    const bucketPath = this.getBucketPath(bucket);

    const keys = [];
    for (const file of walk(bucketPath)) {
      if (!file.endsWith(OBJECT_SUFFIX)) continue;
      const key = decodeKey(
        file.slice(bucketPath.length + 1, -OBJECT_SUFFIX.length),
      );
      if (key.startsWith(prefix) && compareKeys(key, startAfter) > 0) {
        keys.push(key);
      }
    }
    keys.sort(compareKeys);

    const commonPrefixes = new Set();
    const selected = [];
    let isTruncated = false;
    for (const key of keys) {
      const idx = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
      if (idx !== -1) {
        commonPrefixes.add(key.slice(0, idx + delimiter.length));
      } else if (selected.length < maxKeys) {
        selected.push(key);
      } else {
        isTruncated = true;
        break;
      }
    }

    const objects = await Promise.all(
      selected.map(key =>
        this.withLock(this.getResourcePath(bucket, key, 'object'), () =>
          this.getMetadata(bucket, key),
        ).then(
          metadata => new S3Object(bucket, key, null, metadata),
          err => {
            if (err.code === 'ENOENT') return undefined; // deleted meanwhile
            throw err;
          },
        ),
      ),
    );

    return {
      objects: objects.filter(Boolean),
      commonPrefixes: [...commonPrefixes].sort(compareKeys),
      isTruncated,
    };
  }
}

module.exports = { LauncherStore, encodeKey, decodeKey, SEGMENT_BYTES };

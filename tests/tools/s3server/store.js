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

const crypto = require('crypto');
const fs = require('fs');
const path = require('path');
const { Transform } = require('stream');
const { pipeline } = require('stream/promises');

const FilesystemStore = require('s3rver/lib/stores/filesystem');
const S3Object = require('s3rver/lib/models/object');
const { walk } = require('s3rver/lib/utils');

// NAME_MAX is 255 bytes; the longest on-disk name is CONTINUATION (14) +
// SEGMENT_BYTES + `._S3rver_metadata.json` (22) + a temp suffix (21) = 217.
const SEGMENT_BYTES = 160;
const CONTINUATION = '._S3rver_cont_';
const OBJECT_SUFFIX = '._S3rver_object';

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

/** Writes a stream or Buffer to `file`; resolves to { size, md5 }. */
async function writeContent(file, content) {
  const md5 = crypto.createHash('md5');
  let size = 0;
  const source = Buffer.isBuffer(content) ? [content] : content;
  await pipeline(
    source,
    new Transform({
      transform(chunk, encoding, callback) {
        md5.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    }),
    fs.createWriteStream(file, { flags: 'wx' }),
  );
  return { size, md5: md5.digest('hex') };
}

class LauncherStore extends FilesystemStore {
  constructor(rootDirectory) {
    super(rootDirectory);
    this.locks = new Map(); // object file path -> tail of its queue
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
  // in between (an open file keeps its content when renamed over).
  getObject(bucket, key, options) {
    return this.withLock(this.getResourcePath(bucket, key, 'object'), () =>
      super.getObject(bucket, key, options),
    );
  }

  async putObject(object) {
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

    await fs.promises.mkdir(path.dirname(objectPath), { recursive: true });
    try {
      const { size, md5 } = await writeContent(staged[0][0], object.content);
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
      await fs.promises.writeFile(staged[1][0], md5);
      await fs.promises.writeFile(
        staged[2][0],
        JSON.stringify(metadata, null, 2),
      );
      await this.withLock(objectPath, () =>
        Promise.all(staged.map(([from, to]) => fs.promises.rename(from, to))),
      );
      return { size, md5 };
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
    await this.putObject(
      new S3Object(
        destBucket,
        destKey,
        source.content,
        replacementMetadata || source.metadata,
      ),
    );
    return this.getMetadata(destBucket, destKey);
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

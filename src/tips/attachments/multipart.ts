import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import { AppError } from '../../common/app-error.js';
import { createValidationPipe } from '../../common/validation.pipe.js';
import type { RecipientKey } from '../../crypto/openpgp.js';
import type { AttachmentWriter, StagedFile, UploadBudget } from './attachment-writer.js';
import type { StagedAttachmentsRepository } from './staged-attachments.repository.js';
import type { UploadSlots } from './upload-slots.js';

export const MAX_FILES = 10;

const pipe = createValidationPipe();

/** Validates a JSON request (or a multipart JSON part) exactly as `@Body()` would. */
export async function validateBody<T>(value: unknown, metatype: new () => T): Promise<T> {
  return (await pipe.transform(value, { type: 'body', metatype, data: undefined })) as T;
}

/** busboy's parse errors carry no code: these messages are all they say. */
const MALFORMED =
  /^(Multipart: |Unexpected end of (multipart data|form)|\w+ terminated early|Malformed|Unsupported Content-Type|Boundary required)/;

/** A broken multipart body is the client's mistake: 400, never a 500. */
function asClientError(err: unknown): unknown {
  if (err instanceof Error && !(err instanceof AppError) && MALFORMED.test(err.message)) {
    return new AppError('bad_request', 400, 'The multipart body is malformed. Nothing was stored.');
  }
  return err;
}

/** Streams the files of an upload into staged rows; the staged files are the caller's to adopt. */
export type StagedFilesSource = (recipients: readonly RecipientKey[]) => Promise<StagedFile[]>;

export interface UploadDeps {
  writer: AttachmentWriter;
  staged: StagedAttachmentsRepository;
  slots: UploadSlots;
}

/**
 * A multipart upload: the first part is the JSON field `field`, then up to
 * ten files. Takes an upload slot (503 when the instance is full) until the
 * caller calls `release` or the connection closes. Returns the validated JSON
 * and a function that streams the files into staged rows; if that fails, or
 * the client leaves, what was staged is removed at once.
 */
export async function readMultipart<T>(
  request: FastifyRequest,
  field: string,
  metatype: new () => T,
  deps: UploadDeps,
): Promise<{ body: T; files: StagedFilesSource; release: () => void }> {
  const encoding = request.headers['content-encoding'];
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') {
    throw new AppError(
      'unsupported_media_type',
      415,
      'Compressed request bodies are not accepted. Nothing was stored.',
    );
  }
  if (!/;\s*boundary=("[^"]+"|[^\s;]+)/i.test(request.headers['content-type'] ?? '')) {
    throw new AppError('bad_request', 400, 'A multipart/form-data body needs a boundary.');
  }
  const release = deps.slots.acquire();
  // Given back when the caller is done (`release`), or when the connection goes, whichever first.
  request.raw.once('close', release);
  try {
    return await open(request, field, metatype, deps, release);
  } catch (err) {
    release();
    throw err;
  }
}

async function open<T>(
  request: FastifyRequest,
  field: string,
  metatype: new () => T,
  deps: UploadDeps,
  release: () => void,
): Promise<{ body: T; files: StagedFilesSource; release: () => void }> {
  const budget: UploadBudget = deps.writer.budget();
  const parts: AsyncIterableIterator<Multipart> = request.parts({
    limits: {
      fileSize: budget.perFile + 1,
      files: MAX_FILES,
      fields: 1,
      fieldSize: 1024 * 1024,
      parts: MAX_FILES + 1,
      headerPairs: 100,
    },
  });
  const first = await parts.next().catch((err: unknown) => {
    throw asClientError(err);
  });
  if (first.done || first.value.type !== 'field' || first.value.fieldname !== field) {
    throw new AppError('bad_request', 400, `The first part must be the "${field}" field, as JSON.`);
  }
  // A part sent as `Content-Type: application/json` arrives parsed (secure-json-parse).
  const raw: unknown = first.value.value;
  let json: unknown;
  if (typeof raw === 'string') {
    try {
      json = JSON.parse(raw);
    } catch {
      throw new AppError('malformed_json', 400, `The "${field}" part is not valid JSON.`);
    }
  } else {
    json = raw;
  }

  const body = await validateBody(json, metatype);

  return {
    body,
    release,
    files: async (recipients) => {
      const stagedIds: string[] = [];
      const written: StagedFile[] = [];
      try {
        for await (const part of parts) {
          if (part.type !== 'file') {
            throw new AppError('bad_request', 400, 'Only files may follow the JSON part.');
          }
          written.push(
            await deps.writer.write(
              { stream: part.file, name: part.filename, type: part.mimetype },
              recipients,
              budget,
              stagedIds,
            ),
          );
          if (part.file.truncated) {
            throw new AppError(
              'payload_too_large',
              413,
              'A file is too large. Nothing was stored.',
            );
          }
        }
        return written;
      } catch (err) {
        await deps.staged.discard(stagedIds).catch(() => undefined);
        throw asClientError(err);
      }
    },
  };
}

import type { Multipart } from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { EntityManager } from 'typeorm';
import { AppError } from '../../common/app-error.js';
import { createValidationPipe } from '../../common/validation.pipe.js';
import type { RecipientKey } from '../../crypto/openpgp.js';
import type { AttachmentWriter, UploadBudget, WrittenAttachment } from './attachment-writer.js';

export const MAX_FILES = 10;

const pipe = createValidationPipe();

/** Validates a JSON request (or a multipart JSON part) exactly as `@Body()` would. */
export async function validateBody<T>(value: unknown, metatype: new () => T): Promise<T> {
  return (await pipe.transform(value, { type: 'body', metatype, data: undefined })) as T;
}

/**
 * A multipart upload: the first part is the JSON field `field`, then up to
 * ten files. Returns the validated JSON and a function that streams the files
 * into a transaction (used once the caller has opened it).
 */
export async function readMultipart<T>(
  request: FastifyRequest,
  field: string,
  metatype: new () => T,
  writer: AttachmentWriter,
): Promise<{
  body: T;
  files: (
    manager: EntityManager,
    target: { tipId: string; messageId: string | null; firstN: number },
    recipients: readonly RecipientKey[],
  ) => Promise<WrittenAttachment[]>;
}> {
  const budget: UploadBudget = writer.budget();
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
  const first = await parts.next();
  if (first.done || first.value.type !== 'field' || first.value.fieldname !== field) {
    throw new AppError('bad_request', 400, `The first part must be the "${field}" field, as JSON.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(String(first.value.value));
  } catch {
    throw new AppError('malformed_json', 400, `The "${field}" part is not valid JSON.`);
  }
  const body = await validateBody(json, metatype);

  return {
    body,
    files: async (manager, target, recipients) => {
      const written: WrittenAttachment[] = [];
      for await (const part of parts) {
        if (part.type !== 'file') {
          throw new AppError('bad_request', 400, 'Only files may follow the JSON part.');
        }
        const file = part;
        written.push(
          await writer.write(
            manager,
            { tipId: target.tipId, messageId: target.messageId, n: target.firstN + written.length },
            { stream: file.file, name: file.filename, type: file.mimetype },
            recipients,
            budget,
          ),
        );
        if (file.file.truncated) {
          throw new AppError('payload_too_large', 413, 'A file is too large. Nothing was stored.');
        }
      }
      return written;
    },
  };
}

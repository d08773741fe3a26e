import { applyDecorators, type Type } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiExtraModels,
  getSchemaPath,
  type ExamplesObject,
  type RequestBodyObject,
} from '@nestjs/swagger';
import type { ErrorResponseSpec } from './error-responses.js';

/** Files a multipart upload may carry after its JSON part (src/tips/attachments/multipart.ts). */
const MAX_FILES = 10;

/**
 * A JSON body of `model`, with named examples. Also for `@Body()` routes, so
 * that every request body of the document shows complete examples.
 */
export function ApiJsonBody(
  model: Type<unknown>,
  examples: ExamplesObject,
  description?: string,
): MethodDecorator {
  return ApiBody({ type: model, required: true, description, examples });
}

/**
 * The request body of a route that reads the raw request and takes JSON or
 * `multipart/form-data`. Spread into that route's `@ApiOperation({ requestBody })`,
 * and put `@ApiJsonOrMultipart(model)` on the route (it registers `model`).
 */
export function jsonOrMultipartBody(options: {
  model: Type<unknown>;
  /** Name of the multipart field holding the JSON (it must come first). */
  part: string;
  examples: ExamplesObject;
  description: string;
}): RequestBodyObject {
  const { model, part, examples } = options;
  const multipartExamples: ExamplesObject = Object.fromEntries(
    Object.entries(examples).map(([name, example]) => [
      name,
      'value' in example
        ? { ...example, value: { [part]: JSON.stringify(example.value) } }
        : example,
    ]),
  );
  return {
    required: true,
    description: options.description,
    content: {
      'application/json': { schema: { $ref: getSchemaPath(model) }, examples },
      'multipart/form-data': {
        schema: {
          type: 'object',
          required: [part],
          properties: {
            [part]: {
              type: 'string',
              description: `The first part: the JSON of \`${model.name}\`, exactly as the JSON body would be.`,
            },
            file: {
              type: 'array',
              maxItems: MAX_FILES,
              description:
                `Up to ${MAX_FILES} files after the \`${part}\` part (any field name), each ` +
                'encrypted on arrival. A file over ATTACHMENT_MAX_MB (default 100 MiB) or a request ' +
                'over UPLOAD_MAX_MB (default 250 MiB) is `413`, and nothing is stored.',
              items: { type: 'string', format: 'binary' },
            },
          },
        },
        examples: multipartExamples,
      },
    },
  };
}

/** Registers the JSON model of a JSON-or-multipart route and lists both media types. */
export function ApiJsonOrMultipart(model: Type<unknown>): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(model),
    ApiConsumes('application/json', 'multipart/form-data'),
  );
}

/** 400, 413 and 415 of a JSON-or-multipart route whose JSON part is `part`. */
export function jsonOrMultipartErrors(part: string): ErrorResponseSpec[] {
  return [
    {
      status: 400,
      description:
        'Bad request: `validation_failed` (`details` names each field), `malformed_json` ' +
        `(the body or the \`${part}\` part), or \`bad_request\` (multipart: the first part is ` +
        `not \`${part}\`, or a part after it is not a file).`,
    },
    {
      status: 413,
      description:
        'Payload too large (`payload_too_large`): a JSON body over 1 MiB, a file over ' +
        'ATTACHMENT_MAX_MB or a multipart request over UPLOAD_MAX_MB. Nothing was stored.',
    },
    {
      status: 415,
      description:
        'Unsupported media type (`unsupported_media_type`): send `application/json` or ' +
        '`multipart/form-data`.',
    },
  ];
}

import { applyDecorators, HttpCode, type Type } from '@nestjs/common';
import {
  ApiOperation,
  ApiParam,
  ApiResponse,
  type ApiParamOptions,
  type ApiResponseNoStatusOptions,
  type ExamplesObject,
} from '@nestjs/swagger';
import { Roles } from './auth/access.decorators.js';
import type { StaffRole } from './auth/roles.js';
import {
  ApiErrorResponses,
  JSON_BODY_ERRORS,
  type ErrorResponseSpec,
  type ErrorStatus,
} from './openapi/error-responses.js';
import { ApiJsonBody } from './openapi/request-bodies.js';
import { ApiUuidParam, uuidPathErrors, type UuidPath } from './uuid-param.decorator.js';

/** The documentation of one route: what it does, what it takes, what it answers. */
export interface RouteDoc {
  summary: string;
  description?: string;
  operationId?: string;
  /**
   * Path parameters, in path order. A `UuidPath` (read with `@UuidParam`)
   * also documents its `404` (a later `404` in `errors` replaces it).
   */
  params?: (UuidPath | ApiParamOptions)[];
  /** A JSON body with named examples; documents `400`, `413` and `415` too. */
  body?: { type: Type<unknown>; examples: ExamplesObject };
  /** The success answer, exactly one; its status is also the one sent (`@HttpCode`). */
  ok?: ApiResponseNoStatusOptions;
  created?: ApiResponseNoStatusOptions;
  accepted?: ApiResponseNoStatusOptions;
  noContent?: ApiResponseNoStatusOptions;
  /** Error answers beyond those of the access, the body and the parameters. */
  errors?: (ErrorStatus | ErrorResponseSpec)[];
}

const SUCCESS = { ok: 200, created: 201, accepted: 202, noContent: 204 } as const;

function isUuidPath(param: UuidPath | ApiParamOptions): param is UuidPath {
  return 'notFound' in param;
}

/**
 * A route's access (`@Public()`, `@Roles(...)`, `@AnyStaff(...)`) and its
 * OpenAPI documentation in one decorator. The HTTP method and path stay on
 * the route (`@Get(':id')`).
 */
export function Route(access: MethodDecorator, doc: RouteDoc): MethodDecorator {
  const [answer, ...others] = (Object.keys(SUCCESS) as (keyof typeof SUCCESS)[]).filter(
    (k) => doc[k] !== undefined,
  );
  if (answer === undefined || others.length > 0) {
    throw new Error(`Route "${doc.summary}" needs exactly one of ok, created, accepted, noContent`);
  }
  const params = doc.params ?? [];
  const errors = [
    ...(doc.body ? JSON_BODY_ERRORS : []),
    ...params.filter(isUuidPath).flatMap(uuidPathErrors),
    ...(doc.errors ?? []),
  ];
  // Applied in this order, as the same decorators stacked bottom-up would be:
  // an error status the access documents too gets this route's text appended.
  return applyDecorators(
    HttpCode(SUCCESS[answer]),
    access,
    ...(errors.length > 0 ? [ApiErrorResponses(...errors)] : []),
    ApiResponse({ ...doc[answer], status: SUCCESS[answer] }),
    ...(doc.body ? [ApiJsonBody(doc.body.type, doc.body.examples)] : []),
    ...params.toReversed().map((p) => (isUuidPath(p) ? ApiUuidParam(p) : ApiParam(p))),
    ApiOperation({
      summary: doc.summary,
      description: doc.description,
      operationId: doc.operationId,
    }),
  );
}

/** A staff route for these roles. */
export const StaffRoute = ({ roles, ...doc }: RouteDoc & { roles: StaffRole[] }): MethodDecorator =>
  Route(Roles(...roles), doc);

/** An administration route: admins only, unless `roles` says who else. */
export const AdminRoute = ({
  roles = ['admin'],
  ...doc
}: RouteDoc & { roles?: StaffRole[] }): MethodDecorator => Route(Roles(...roles), doc);

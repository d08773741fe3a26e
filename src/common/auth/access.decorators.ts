import { SetMetadata } from '@nestjs/common';

export const ACCESS_KEY = 'tipline:access';

export type Access = { kind: 'public' };

/** Anyone may call this route, without credentials. Routes without a declaration are closed. */
export const Public = (): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCESS_KEY, { kind: 'public' } satisfies Access);

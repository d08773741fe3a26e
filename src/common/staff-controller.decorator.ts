import { applyDecorators, Controller } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { ServedOn } from './listeners/served-on.decorator.js';

/**
 * A controller of the staff side (staff, admin, audit): its OpenAPI tag, the
 * staff listener and its path. Each route still declares its own access.
 */
export const StaffController = (tag: string, path: string): ClassDecorator =>
  applyDecorators(ApiTags(tag), ServedOn('staff'), Controller(path));

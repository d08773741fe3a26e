import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../common/auth/access.decorators.js';
import { ApiErrorResponses } from '../common/openapi/error-responses.js';
import { HealthModel, type HealthDto } from './health.dto.js';
import { ServedOn } from '../common/listeners/served-on.decorator.js';
import { ReadinessService } from './readiness.service.js';
import { OwnLimitPerAddress } from '../common/rate-limit/public-rate-limit.guard.js';

@ApiTags('health')
@ServedOn('public')
@OwnLimitPerAddress()
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: ReadinessService) {}

  @ApiOperation({ summary: 'Liveness', description: 'The process is up and its event loop turns.' })
  @ApiOkResponse({ type: HealthModel, description: 'Alive.', example: { status: 'ok' } })
  @Public()
  @Get('live')
  live(): HealthDto {
    return { status: 'ok' };
  }

  @ApiOperation({
    summary: 'Readiness',
    description:
      'Ready to take tips: the database answers and at least one intake key is valid. ' +
      'The read replica state and lag are reported; a replica that is down does not make ' +
      'the service unready.',
  })
  @ApiOkResponse({
    type: HealthModel,
    description: 'Ready.',
    example: {
      status: 'ok',
      checks: {
        database: 'ok',
        intakeKeys: 1,
        replica: { state: 'up', lagSeconds: 0, lagBytes: 0 },
      },
    },
  })
  @ApiErrorResponses({
    status: 503,
    description: 'Not ready (`unavailable`); `details` lists the problems.',
    example: {
      code: 'unavailable',
      message: 'Not ready.',
      details: [{ problem: 'no valid intake key' }],
    },
  })
  // Operators' probes and proxies, not the public: the staff listener.
  @ServedOn('staff')
  @Public()
  @Get('ready')
  ready(): Promise<HealthDto> {
    return this.readiness.check();
  }
}

import { SetMetadata } from '@nestjs/common';

export const PROOF_OF_WORK_KEY = 'tipline:proof-of-work';

/** Anonymous writes: a solved, unexpired, unused challenge is required (when POW_DIFFICULTY > 0). */
export const RequiresProofOfWork = (): MethodDecorator => SetMetadata(PROOF_OF_WORK_KEY, true);

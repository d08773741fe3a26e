import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';

export class PartnerSourceRefQuery {
  @ApiProperty({
    minLength: 1,
    maxLength: 200,
    description: 'The `sourceRef` you submitted the tip with.',
    example: 'SOC-2026-1142',
  })
  @IsString()
  @Length(1, 200)
  sourceRef: string;
}

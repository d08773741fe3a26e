import { IsString, Length } from 'class-validator';

export class PartnerSourceRefQuery {
  @IsString()
  @Length(1, 200)
  sourceRef: string;
}

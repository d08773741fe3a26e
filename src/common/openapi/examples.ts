/** Example values shared by the OpenAPI decorators (illustrative only, never real data). */
export const EX = {
  uuid: '01936f5e-8a1c-7b2d-9e4f-5a6b7c8d9e0f',
  otherUuid: '01936f60-1d2e-7f30-8a41-b2c3d4e5f607',
  time: '2026-03-14T09:26:00.000Z',
  laterTime: '2026-03-14T17:26:00.000Z',
  reference: 'TIP-7Q4K-2M9X',
  receipt: 'ship injury stuff ivory churn retreat idea festival',
  fingerprint: '3F2A9C41D0E5B7A8C6D4E2F1A0B9C8D7E6F5A4B3',
  hash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
  publicKey:
    '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEaXbY2hYJKwYBBAHaRw8BAQdA...\n-----END PGP PUBLIC KEY BLOCK-----\n',
  message: '-----BEGIN PGP MESSAGE-----\n\nwV4D...\n-----END PGP MESSAGE-----\n',
  signature: '-----BEGIN PGP SIGNATURE-----\n\nwnUEARYKACcF...\n-----END PGP SIGNATURE-----\n',
} as const;

import { checkWebhookUrl, isPrivateAddress, WebhookUrlError } from './url-policy.js';

describe('webhook URL policy', () => {
  it('knows loopback, link-local and private ranges', () => {
    for (const a of [
      '127.0.0.1',
      '10.1.2.3',
      '172.16.0.1',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '::1',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect([a, isPrivateAddress(a)]).toEqual([a, true]);
    }
    for (const a of ['93.184.216.34', '1.1.1.1', '2606:4700:4700::1111']) {
      expect([a, isPrivateAddress(a)]).toEqual([a, false]);
    }
  });

  it('refuses private targets unless allowed, and anything but https', async () => {
    for (const url of [
      'https://127.0.0.1/x',
      'https://[::1]/x',
      'https://169.254.169.254/latest',
      'https://localhost/x',
      'https://10.0.0.8/',
    ]) {
      await expect(checkWebhookUrl(url, false)).rejects.toThrow(WebhookUrlError);
    }
    await expect(checkWebhookUrl('http://93.184.216.34/x', false)).rejects.toThrow(
      'must use https',
    );
    await expect(checkWebhookUrl('https://u:p@93.184.216.34/x', false)).rejects.toThrow(
      'credentials',
    );
    await expect(checkWebhookUrl('https://93.184.216.34/x', false)).resolves.toBeInstanceOf(URL);
    await expect(checkWebhookUrl('http://127.0.0.1:9/x', true)).resolves.toBeInstanceOf(URL);
  });
});

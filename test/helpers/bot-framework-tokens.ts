// A local stand-in for the Bot Framework's token signing: an OpenID metadata and JWKS
// server on loopback publishing a key this process generated, and a signer for
// tokens as the Bot Framework sends them to a bot (RS256, iss api.botframework.com,
// aud the app id, serviceurl). The Teams SDK is pointed at it through its cloud
// settings (withOverrides(PUBLIC, { openIdMetadataUrl })), so a test can show a
// valid token accepted as well as every kind of bad one refused.
import { createHmac, createSign, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { closeNow, listenOnLoopback } from './loopback-server.js';

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

export const BOT_FRAMEWORK_ISSUER = 'https://api.botframework.com';

export class BotFrameworkKeys {
  readonly kid = 'tenure-test-key';
  private readonly key: { privateKey: KeyObject; publicKey: KeyObject } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  /** A key nobody published: what a forger signs with. */
  readonly strangerKey: KeyObject = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  private server!: Server;
  url = '';
  /** How often the keys were fetched (the SDK caches them). */
  keyFetches = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/.well-known/openidconfiguration') {
        res.end(JSON.stringify({ issuer: BOT_FRAMEWORK_ISSUER, jwks_uri: `${this.url}/v1/.well-known/keys`, id_token_signing_alg_values_supported: ['RS256'] }));
      } else if (req.url === '/v1/.well-known/keys') {
        this.keyFetches++;
        res.end(JSON.stringify({ keys: [{ ...this.key.publicKey.export({ format: 'jwk' }), kid: this.kid, use: 'sig', alg: 'RS256' }] }));
      } else {
        res.statusCode = 404;
        res.end('{}');
      }
    });
    this.url = await listenOnLoopback(this.server);
  }

  async stop(): Promise<void> {
    await closeNow(this.server);
  }

  get openIdMetadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** A signed token: `claims` over the defaults of a valid one for `appId` and `serviceUrl`. */
  sign(appId: string, serviceUrl: string, claims: Record<string, unknown> = {}, options: { key?: KeyObject; header?: Record<string, unknown> } = {}): string {
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: this.kid, ...options.header };
    const payload = { iss: BOT_FRAMEWORK_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
    const signed = `${b64(header)}.${b64(payload)}`;
    const signature = createSign('RSA-SHA256').update(signed).sign(options.key ?? this.key.privateKey).toString('base64url');
    return `${signed}.${signature}`;
  }

  /** Algorithm confusion: HS256 with the published public key (PEM) as the HMAC secret. */
  hmacWithPublicKey(appId: string, serviceUrl: string): string {
    const now = Math.floor(Date.now() / 1000);
    const signed = `${b64({ alg: 'HS256', typ: 'JWT', kid: this.kid })}.${b64({ iss: BOT_FRAMEWORK_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600 })}`;
    const secret = this.key.publicKey.export({ format: 'pem', type: 'spki' });
    return `${signed}.${createHmac('sha256', secret).update(signed).digest('base64url')}`;
  }

  /** An unsigned token (alg none) with the claims of a valid one. */
  unsigned(appId: string, serviceUrl: string): string {
    const now = Math.floor(Date.now() / 1000);
    return `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: BOT_FRAMEWORK_ISSUER, aud: appId, serviceurl: serviceUrl, nbf: now - 60, exp: now + 3600 })}.`;
  }
}

// Connector credentials at rest: AES-256-GCM (node:crypto) with the key from
// TENURE_SECRET_KEY. A sealed value is `v1.<iv>.<tag>.<ciphertext>` in base64url: a
// fresh 96-bit IV each time, and the tag makes a changed value or a wrong key fail
// loudly instead of decrypting to garbage. The key is only ever held in memory.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export class SecretKeyError extends Error {}

/** A 32-byte key, as TENURE_SECRET_KEY gives it: 64 hex digits or 43–44 base64 characters. */
export function parseSecretKey(text: string): Buffer {
  const t = text.trim();
  const key = /^[0-9a-f]{64}$/i.test(t) ? Buffer.from(t, 'hex') : /^[A-Za-z0-9+/_-]{43}=?$/.test(t) ? Buffer.from(t, 'base64') : undefined;
  if (!key || key.length !== 32) throw new SecretKeyError('must be 32 random bytes as 64 hex digits or base64 (make one with: openssl rand -base64 32)');
  return key;
}

export function sealSecret(key: Buffer, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
}

/** Throws SecretKeyError when the key is not the one the value was sealed with (or the value was changed). */
export function openSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, body] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || body === undefined) throw new SecretKeyError('stored credentials are not in a known format');
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new SecretKeyError('stored credentials cannot be decrypted with this TENURE_SECRET_KEY (was the key changed?)');
  }
}

/** A new webhook secret to paste into the PSA. */
export function newWebhookSecret(): string {
  return randomBytes(24).toString('base64url');
}

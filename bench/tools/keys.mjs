// Generates the benchmark's signing keys and their public JWKS, the way Better Auth's jwt plugin publishes it.
//   node bench/tools/keys.mjs <dir>   writes <dir>/jwks.json, <dir>/ed25519.pem, <dir>/rsa.pem
import { generateKeyPairSync } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
if (!dir) {
  throw new Error('usage: node keys.mjs <dir>');
}
const ed25519 = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const jwks = {
  keys: [
    { ...ed25519.publicKey.export({ format: 'jwk' }), alg: 'EdDSA', kid: 'bench-ed25519' },
    { ...rsa.publicKey.export({ format: 'jwk' }), alg: 'RS256', use: 'sig', kid: 'bench-rsa' },
  ],
};
writeFileSync(join(dir, 'jwks.json'), JSON.stringify(jwks));
writeFileSync(join(dir, 'ed25519.pem'), ed25519.privateKey.export({ format: 'pem', type: 'pkcs8' }));
writeFileSync(join(dir, 'rsa.pem'), rsa.privateKey.export({ format: 'pem', type: 'pkcs8' }));

// Proof of work in a Web Worker: the same algorithm as the API (src/proof-of-work/pow.ts):
// find a decimal counter such that SHA-256(challenge ":" counter) starts with `difficulty` zero bits.
// SHA-256 is written out here: crypto.subtle is asynchronous per hash (far slower for this) and
// the project has no bundler to ship a library to the browser.
'use strict';

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Uint32Array(64);
const H = new Uint32Array(8);

function compress(block, offset) {
  for (let i = 0; i < 16; i++) {
    const j = offset + i * 4;
    W[i] = (block[j] << 24) | (block[j + 1] << 16) | (block[j + 2] << 8) | block[j + 3];
  }
  for (let i = 16; i < 64; i++) {
    const a = W[i - 15];
    const b = W[i - 2];
    const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
    const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
    W[i] = (W[i - 16] + s0 + W[i - 7] + s1) | 0;
  }
  let a = H[0],
    b = H[1],
    c = H[2],
    d = H[3],
    e = H[4],
    f = H[5],
    g = H[6],
    h = H[7];
  for (let i = 0; i < 64; i++) {
    const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + S1 + ((e & f) ^ (~e & g)) + K[i] + W[i]) | 0;
    const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (S0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g;
    g = f;
    f = e;
    e = (d + t1) | 0;
    d = c;
    c = b;
    b = a;
    a = (t1 + t2) | 0;
  }
  H[0] += a;
  H[1] += b;
  H[2] += c;
  H[3] += d;
  H[4] += e;
  H[5] += f;
  H[6] += g;
  H[7] += h;
}

const IV = new Uint32Array([
  0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
]);

/** Leading zero bits of the digest now in H (the first 64 bits are plenty for any difficulty). */
function zeroBits() {
  const a = H[0] >>> 0;
  if (a !== 0) return Math.clz32(a);
  return 32 + Math.clz32(H[1] >>> 0);
}

self.onmessage = (event) => {
  const { challenge, difficulty } = event.data;
  const prefix = new TextEncoder().encode(`${challenge}:`);
  // The whole 64-byte blocks of the prefix never change: hash them once (the "midstate").
  const whole = prefix.length >> 6;
  H.set(IV);
  for (let b = 0; b < whole; b++) compress(prefix, b * 64);
  const mid = H.slice();
  const rest = prefix.subarray(whole * 64);
  const tail = new Uint8Array(192);
  tail.set(rest);
  const started = Date.now();
  for (let counter = 0; ; counter++) {
    const digits = String(counter);
    const length = rest.length + digits.length;
    for (let i = 0; i < digits.length; i++) tail[rest.length + i] = digits.charCodeAt(i);
    const blocks = (length + 9 + 63) >> 6;
    const end = blocks * 64;
    tail[length] = 0x80;
    tail.fill(0, length + 1, end);
    const bits = (prefix.length + digits.length) * 8;
    tail[end - 4] = (bits >>> 24) & 0xff;
    tail[end - 3] = (bits >>> 16) & 0xff;
    tail[end - 2] = (bits >>> 8) & 0xff;
    tail[end - 1] = bits & 0xff;
    H.set(mid);
    for (let b = 0; b < blocks; b++) compress(tail, b * 64);
    if (zeroBits() >= difficulty) {
      self.postMessage({ done: true, counter: digits, ms: Date.now() - started });
      return;
    }
    if (counter % 20000 === 0) self.postMessage({ done: false, tried: counter });
  }
};

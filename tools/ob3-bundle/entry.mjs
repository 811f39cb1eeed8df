// What the verification page's OB 3.0 checks (themes/default/static/ob3/) take from other
// people's code, bundled into one file by build.mjs. Nothing here is ours but the list.
//   jsonld + rdf-canonize   JSON-LD to RDF (safe mode) and RDFC-1.0, Digital Bazaar
//   @noble/ed25519          Ed25519 signature verification (SHA-512 through WebCrypto)
//   base58-universal        multibase 'z' (base58btc) decoding, Digital Bazaar
//   frozen-contexts         the JSON-LD contexts badgesite ships (src/badgesite/contexts/),
//                           embedded at build time: the page never fetches a context
import jsonld from 'jsonld';
import * as rdfCanonize from 'rdf-canonize';
import {verifyAsync} from '@noble/ed25519';
import {decode as base58Decode} from 'base58-universal';
import contexts from 'frozen-contexts';

export {jsonld, rdfCanonize, verifyAsync, base58Decode, contexts};

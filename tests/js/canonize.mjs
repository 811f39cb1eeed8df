#!/usr/bin/env node
// Canonical N-Quads of JSON-LD files as the eddsa-rdfc-2022 cryptosuite computes them
// (jsonld.js + rdf-canonize, RDFC-1.0, base null, safe mode), for cross-checking
// badgesite.sign.canon against the JavaScript implementation.
//
//   node canonize.mjs [--site BASE=DIR ...] FILE...
//
// Prints a JSON list: [{file, nquads, error}]. Exit 1 if any file failed.
import fs from 'node:fs';

import {cryptosuite} from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';

import {createLoader, parseMapping} from './loader.mjs';

const mappings = [];
const files = [];
const argv = process.argv.slice(2);
for(let i = 0; i < argv.length; i++) {
  if(argv[i] === '--site') {
    mappings.push(parseMapping(argv[++i]));
  } else {
    files.push(argv[i]);
  }
}
const documentLoader = createLoader({mappings});
const out = [];
for(const file of files) {
  try {
    const doc = JSON.parse(fs.readFileSync(file, 'utf8'));
    const nquads = await cryptosuite.canonize(doc, {documentLoader});
    out.push({file, nquads, error: null});
  } catch(e) {
    const event = e.details && e.details.event;
    out.push({
      file, nquads: null,
      error: e.message + (event ? ` [${event.code}: ${event.message}]` : '')
    });
  }
}
process.stdout.write(JSON.stringify(out, null, 2) + '\n');
process.exit(out.every(r => r.error === null) ? 0 : 1);

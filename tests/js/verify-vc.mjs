#!/usr/bin/env node
// Independent, offline Open Badges 3.0 verifier (Digital Bazaar libraries + ajv).
//
//   node verify-vc.mjs --site https://example.org/badges/=/path/to/output \
//     [--site BASE=DIR ...] [--schema ob_v3p0_achievementcredential_schema.json] \
//     [--now 2030-01-01T00:00:00Z] FILE...
//
// Prints a JSON list, one entry per FILE:
//   {file, verified, schemaValid, schemaErrors, statusRevoked, errors}
// verified:      @digitalbazaar/vc verifyCredential with a DataIntegrityProof /
//                eddsa-rdfc-2022 suite (safe-mode canonicalisation, did:web key
//                resolution, assertionMethod check) and, when the credential has a
//                BitstringStatusListEntry, @digitalbazaar/vc-bitstring-status-list
//                checkStatus (which verifies the status list credential too).
// schemaValid:   ajv (draft 2019-09) + ajv-formats against --schema; null without it.
// statusRevoked: the revocation bit (true/false), null when there is no status entry
//                or it could not be checked.
// Exit status: 0 if every file verified (and is schema-valid when --schema), 1 if
// not, 2 on a usage error.
import fs from 'node:fs';

import {DataIntegrityProof} from '@digitalbazaar/data-integrity';
import {cryptosuite as eddsaRdfc2022CryptoSuite} from
  '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import {checkStatus} from '@digitalbazaar/vc-bitstring-status-list';
import Ajv2019 from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';

import {createLoader, parseMapping} from './loader.mjs';

function usage(message) {
  process.stderr.write(`verify-vc.mjs: ${message}\n` +
    'usage: node verify-vc.mjs --site BASE_URL=DIR [--schema FILE] [--now ISO] FILE...\n');
  process.exit(2);
}

function parseArgs(argv) {
  const opts = {mappings: [], schema: null, now: undefined, files: []};
  for(let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if(i + 1 >= argv.length) {
        usage(`${arg} needs a value`);
      }
      return argv[++i];
    };
    if(arg === '--site') {
      opts.mappings.push(parseMapping(value()));
    } else if(arg.startsWith('--site=')) {
      opts.mappings.push(parseMapping(arg.slice('--site='.length)));
    } else if(arg === '--schema') {
      opts.schema = value();
    } else if(arg === '--now') {
      opts.now = value();
    } else if(arg === '--help' || arg === '-h') {
      usage('help');
    } else if(arg.startsWith('--')) {
      usage(`unknown option ${arg}`);
    } else {
      opts.files.push(arg);
    }
  }
  if(opts.files.length === 0) {
    usage('no FILE given');
  }
  return opts;
}

// Every message in an error tree (aggregate errors, causes, jsonld safe-mode events).
function messages(error, out = [], depth = 0) {
  if(!error || depth > 8) {
    return out;
  }
  if(Array.isArray(error)) {
    error.forEach(e => messages(e, out, depth + 1));
    return out;
  }
  let text = error.message || String(error);
  const event = error.details && error.details.event;
  if(event) {
    text += ` [${event.code}: ${event.message}` +
      (event.details ? ` ${JSON.stringify(event.details).slice(0, 300)}` : '') + ']';
  }
  if(!out.includes(text)) {
    out.push(text);
  }
  if(Array.isArray(error.errors)) {
    messages(error.errors, out, depth + 1);
  }
  if(error.cause) {
    messages(error.cause, out, depth + 1);
  }
  return out;
}

function hasBitstringStatus(credential) {
  return [].concat(credential.credentialStatus || []).some(
    s => s && s.type === 'BitstringStatusListEntry');
}

async function verifyOne({file, documentLoader, validateSchema, now}) {
  const entry = {
    file, verified: false, schemaValid: null, schemaErrors: [],
    statusRevoked: null, errors: []
  };
  let credential;
  try {
    credential = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch(e) {
    entry.errors.push(`cannot read JSON: ${e.message}`);
    entry.schemaValid = validateSchema ? false : null;
    return entry;
  }

  if(validateSchema) {
    entry.schemaValid = validateSchema(credential);
    entry.schemaErrors = (validateSchema.errors || []).map(e =>
      `${e.instancePath || '/'} ${e.message}` +
      (e.params && Object.keys(e.params).length ? ` ${JSON.stringify(e.params)}` : ''));
  }

  const suite = new DataIntegrityProof({cryptosuite: eddsaRdfc2022CryptoSuite});
  const options = {credential, suite, documentLoader};
  if(now) {
    options.now = now;
  }
  if(credential && credential.credentialStatus) {
    options.checkStatus = checkStatus;
  }
  let result;
  try {
    result = await vc.verifyCredential(options);
  } catch(e) {
    result = {verified: false, error: e};
  }
  entry.verified = result.verified === true;
  if(result.error) {
    messages(result.error, entry.errors);
  }
  for(const r of result.results || []) {
    if(r.error) {
      messages(r.error, entry.errors);
    }
  }
  if(result.statusResult) {
    const {statusResult} = result;
    if(statusResult.error) {
      messages(statusResult.error, entry.errors);
    }
    const revocation = (statusResult.results || []).find(r =>
      r && r.verified && r.credentialStatus &&
      r.credentialStatus.statusPurpose === 'revocation');
    if(revocation) {
      entry.statusRevoked = revocation.status === true;
    }
  } else if(credential && credential.credentialStatus && entry.verified &&
    !hasBitstringStatus(credential)) {
    entry.errors.push('credentialStatus is not a BitstringStatusListEntry');
  }
  return entry;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  let validateSchema = null;
  if(opts.schema) {
    const ajv = new Ajv2019({allErrors: true, strict: false});
    addFormats(ajv);
    validateSchema = ajv.compile(JSON.parse(fs.readFileSync(opts.schema, 'utf8')));
  }
  const documentLoader = createLoader({mappings: opts.mappings});
  const results = [];
  for(const file of opts.files) {
    results.push(await verifyOne({file, documentLoader, validateSchema, now: opts.now}));
  }
  process.stdout.write(JSON.stringify(results, null, 2) + '\n');
  const ok = results.every(r => r.verified && r.schemaValid !== false);
  process.exit(ok ? 0 : 1);
}

main().catch(e => {
  process.stderr.write(`verify-vc.mjs: ${e.stack || e}\n`);
  process.exit(2);
});

#!/usr/bin/env node
// Prints {url: context document} for every JSON-LD context the harness serves
// (from the npm context packages), to compare with badgesite's bundled copies.
import {CONTEXTS} from './loader.mjs';

process.stdout.write(JSON.stringify(Object.fromEntries(CONTEXTS)) + '\n');

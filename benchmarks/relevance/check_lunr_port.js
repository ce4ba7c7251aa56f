#!/usr/bin/env node
// Checks lunr_search.js (variant "material") against Material's own search worker.
//
//   node check_lunr_port.js SITE/search/search_index.json WORKER.js < queries.json
//
// WORKER.js is the bundled worker shipped with mkdocs-material, e.g.
// site-packages/material/templates/assets/javascripts/workers/search.<hash>.min.js.
// It is run in a Node vm with the few browser globals it needs; both sides get every
// query, and the pages each shows (in display order, top 10) are compared.
// Exit status 0 when they agree on every query, 1 otherwise.
"use strict";

const fs = require("fs");
const vm = require("vm");
const { buildIndex, search } = require("./lunr_search.js");

async function runWorker(workerPath, data, queries) {
  let handler = null;
  const outbox = [];
  const ctx = {
    console, setTimeout, clearTimeout, queueMicrotask, Promise,
    addEventListener: (type, fn) => { handler = fn; },
    postMessage: message => outbox.push(message),
    importScripts: () => {},
  };
  ctx.self = ctx;
  ctx.globalThis = ctx;
  vm.createContext(ctx);
  vm.runInContext(fs.readFileSync(workerPath, "utf8"), ctx);
  const settle = () => new Promise(resolve => setTimeout(resolve, 0));
  // Message types of Material's worker: SETUP = 0, READY = 1, QUERY = 2, RESULT = 3.
  await handler({ data: { type: 0, data: { ...data, options: { suggest: false } } } });
  await settle();
  const results = [];
  for (const q of queries) {
    outbox.length = 0;
    await handler({ data: { type: 2, data: q } });
    await settle();
    const message = outbox.pop();
    results.push(message.data.items.map(group => group[0].location.split("#")[0]));
  }
  return results;
}

function pages(locations) {
  const out = [];
  for (const location of locations) {
    const page = location.split("#")[0];
    if (!out.includes(page)) out.push(page);
  }
  return out;
}

async function main() {
  const [indexPath, workerPath] = process.argv.slice(2);
  if (!indexPath || !workerPath) {
    process.stderr.write("usage: node check_lunr_port.js search_index.json WORKER.js < queries.json\n");
    process.exit(2);
  }
  const queries = JSON.parse(fs.readFileSync(0, "utf8")).map(String);
  const ported = buildIndex(JSON.parse(fs.readFileSync(indexPath, "utf8")),
    JSON.parse(fs.readFileSync(indexPath, "utf8")).config.pipeline);
  const mine = queries.map(q => pages(search(ported, q, false)).slice(0, 10));
  const theirs = (await runWorker(workerPath, JSON.parse(fs.readFileSync(indexPath, "utf8")), queries))
    .map(r => r.slice(0, 10));
  let agree = 0;
  queries.forEach((q, i) => {
    if (JSON.stringify(mine[i]) === JSON.stringify(theirs[i])) agree++;
    else process.stdout.write(`differs: ${JSON.stringify(q)}\n  port:   ${mine[i].slice(0, 5)}\n  worker: ${theirs[i].slice(0, 5)}\n`);
  });
  process.stdout.write(`lunr_search.js agrees with Material's worker on ${agree}/${queries.length} queries (top-10 pages)\n`);
  process.exit(agree === queries.length ? 0 : 1);
}

main();

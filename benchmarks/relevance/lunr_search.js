#!/usr/bin/env node
// Material for MkDocs' built-in search, run outside the browser, for the relevance benchmark.
//
//   node lunr_search.js SITE/search/search_index.json [--variant material|stemmed] < queries.json
//
// stdin:  a JSON array of query strings.
// stdout: a JSON array with, for each query, the ranked list of index `location`s
//         (pages and sections, best first), e.g. ["returns/refunds/", "returns/#faq", ...].
//
// Variants:
//   material  (default) what the built site's search worker does, ported from Material's
//             sources (src/templates/assets/javascripts/integrations/search/, v9): the
//             config in search_index.json (fields and boosts, separator, and the pipeline:
//             Material's English default keeps only the stop-word filter, so no stemmer
//             and no trimmer), its HTML-aware tokenizer, b = 0, every query term searched
//             as a trailing wildcard `t*`, and its post-query boost for pages over sections
//             and for documents matching more of the query terms.
//   stemmed   the same, but with lunr's full English pipeline (trimmer, stop words,
//             stemmer) and each query term searched both exactly and as a wildcard
//             (`t t*`), the way older Material versions are often described.
//
// Results are not grouped here; Material shows them grouped by page, in the order each
// page first appears, which is what deduplicating the ranked locations by page gives.
"use strict";

const fs = require("fs");
const path = require("path");

let lunr;
try {
  lunr = require(path.join(__dirname, "node_modules", "lunr"));
} catch (err) {
  process.stderr.write(
    "lunr is not installed: run `npm install --prefix benchmarks/relevance` " +
    "from the repository root\n");
  process.exit(3);
}

/* ---------------------------------------------------------------------------
 * Helpers ported from Material (internal/_, internal/extract, internal/tokenize)
 * ------------------------------------------------------------------------- */

// Split a string using the given separator, calling fn(start, end) per non-empty range.
function split(input, separator, fn) {
  separator = new RegExp(separator, "g");
  let match;
  let index = 0;
  do {
    match = separator.exec(input);
    const until = match ? match.index : input.length;
    if (index < until)
      fn(index, until);
    if (match) {
      const [term] = match;
      index = match.index + term.length;
      if (term.length === 0)
        separator.lastIndex = match.index + 1;
    }
  } while (match);
}

const TAG_OPEN = 0, TEXT = 1, TAG_CLOSE = 2;

// Split a string into markup and text sections.
function extract(input, fn) {
  let block = 0;
  let start = 0;
  let end = 0;
  for (let stack = 0; end < input.length; end++) {
    if (input.charAt(end) === "<" && end > start) {
      fn(block, TEXT, start, start = end);
    } else if (input.charAt(end) === ">") {
      if (input.charAt(start + 1) === "/") {
        if (--stack === 0)
          fn(block++, TAG_CLOSE, start, end + 1);
      } else if (input.charAt(end - 1) !== "/") {
        if (stack++ === 0)
          fn(block, TAG_OPEN, start, end + 1);
      }
      start = end + 1;
    }
  }
  if (end > start)
    fn(block, TEXT, start, end);
}

// Material's tokenizer: text outside HTML tags, split on the configured separator,
// lowercased. (Material also records positions for highlighting; ranking doesn't use them.)
function tokenize(input) {
  const tokens = [];
  if (typeof input === "undefined" || input === null)
    return tokens;
  const inputs = Array.isArray(input) ? input : [input];
  for (const value of inputs) {
    const str = String(value);
    extract(str, (block, type, start, end) => {
      if (type !== TEXT)
        return;
      const section = str.slice(start, end);
      split(section, lunr.tokenizer.separator, (index, until) => {
        tokens.push(new lunr.Token(section.slice(index, until).toLowerCase(), {}));
      });
    });
  }
  return tokens;
}

/* ---------------------------------------------------------------------------
 * Query handling ported from Material (query/transform, query/_)
 * ------------------------------------------------------------------------- */

function transform(query, fn, exact) {
  return query
    .trim()
    .split(/"([^"]+)"/g)
      .map((parts, index) => index & 1
        ? parts.replace(/^\b|^(?![^\x00-\x7F]|$)|\s+/g, " +")
        : parts)
      .join("")
    .replace(/"|(?:^|\s+)[*+\-:^~]+(?=\s+|$)/g, "")
    .split(/\s+/g)
      .reduce((prev, term) => {
        const next = fn(term);
        return [...prev, ...Array.isArray(next) ? next : [next]];
      }, [])
      .map(term => /([~^]$)/.test(term) ? `${term}1` : term)
      .map(term => /(^[+-]|[~^]\d+$)/.test(term)
        ? term
        : exact ? `${term} ${term}*` : `${term}*`)
      .join(" ");
}

function transformSearchQuery(query, exact) {
  return transform(query, part => {
    const terms = [];
    const lexer = new lunr.QueryLexer(part);
    lexer.run();
    for (const { type, str: term, start, end } of lexer.lexemes)
      switch (type) {
        case "FIELD":
          if (!["title", "text", "tags"].includes(term))
            part = [part.slice(0, end), " ", part.slice(end + 1)].join("");
          break;
        case "TERM":
          split(term, lunr.tokenizer.separator, (...range) => {
            terms.push([part.slice(0, start), term.slice(...range), part.slice(end)].join(""));
          });
      }
    return terms;
  }, exact);
}

function parseSearchQuery(value) {
  const query = new lunr.Query(["title", "text", "tags"]);
  const parser = new lunr.QueryParser(value, query);
  parser.parse();
  for (const clause of query.clauses) {
    clause.usePipeline = true;
    if (clause.term.startsWith("*")) {
      clause.wildcard = lunr.Query.wildcard.LEADING;
      clause.term = clause.term.slice(1);
    }
    if (clause.term.endsWith("*")) {
      clause.wildcard = lunr.Query.wildcard.TRAILING;
      clause.term = clause.term.slice(0, -1);
    }
  }
  return query.clauses;
}

function getSearchQueryTerms(query, terms) {
  const clauses = new Set(query);
  const result = {};
  for (let t = 0; t < terms.length; t++)
    for (const clause of clauses)
      if (terms[t].startsWith(clause.term)) {
        result[clause.term] = true;
        clauses.delete(clause);
      }
  for (const clause of clauses)
    if (lunr.stopWordFilter && lunr.stopWordFilter(clause.term))
      result[clause.term] = false;
  return result;
}

/* ---------------------------------------------------------------------------
 * The index (Material's Search class)
 * ------------------------------------------------------------------------- */

function setupSearchDocumentMap(docs) {
  const map = new Map();
  for (const doc of docs) {
    const [page] = doc.location.split("#");
    const article = map.get(page);
    if (typeof article === "undefined") {
      map.set(page, doc);
    } else {
      map.set(doc.location, doc);
      doc.parent = article;
    }
  }
  return map;
}

function buildIndex({ config, docs }, pipelineFns) {
  const map = setupSearchDocumentMap(docs);
  const index = lunr(function () {
    this.b(0);
    if (config.lang.length !== 1 || config.lang[0] !== "en")
      process.stderr.write(`note: lang ${JSON.stringify(config.lang)} searched with English lunr\n`);
    this.tokenizer = tokenize;
    lunr.tokenizer.separator = new RegExp(config.separator);
    const remove = ["trimmer", "stopWordFilter", "stemmer"].filter(fn => !pipelineFns.includes(fn));
    for (const fn of remove) {
      this.pipeline.remove(lunr[fn]);
      this.searchPipeline.remove(lunr[fn]);
    }
    this.ref("location");
    for (const [name, spec] of Object.entries(config.fields))
      this.field(name, { ...spec });
    for (const doc of docs)
      this.add(doc, { boost: doc.boost });
  });
  return { index, map };
}

function search({ index, map }, query, exact) {
  query = transformSearchQuery(query, exact);
  if (!query)
    return [];
  let clauses, results;
  try {
    clauses = parseSearchQuery(query)
      .filter(clause => clause.presence !== lunr.Query.presence.PROHIBITED);
    results = index.search(query);
  } catch (err) {
    // Material shows no results for a query lunr can't parse.
    return [];
  }
  return results
    .map(({ ref, score, matchData }) => {
      const doc = map.get(ref);
      const terms = getSearchQueryTerms(clauses, Object.keys(matchData.metadata));
      const flags = Object.values(terms);
      // Material divides by the number of analysed terms; guard the (rare) 0/0.
      const share = flags.length ? flags.filter(t => t).length / flags.length : 0;
      const boost = +!doc.parent + share;
      return { location: ref, score: score * (1 + boost ** 2) };
    })
    .sort((a, b) => b.score - a.score)
    .map(item => item.location);
}

/* ---------------------------------------------------------------------------
 * Main
 * ------------------------------------------------------------------------- */

function main() {
  const args = process.argv.slice(2);
  let indexPath = null;
  let variant = "material";
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--variant") variant = args[++i];
    else if (args[i].startsWith("--variant=")) variant = args[i].slice("--variant=".length);
    else indexPath = args[i];
  }
  if (!indexPath || !["material", "stemmed"].includes(variant)) {
    process.stderr.write(
      "usage: node lunr_search.js SITE/search/search_index.json " +
      "[--variant material|stemmed] < queries.json\n");
    process.exit(2);
  }
  const data = JSON.parse(fs.readFileSync(indexPath, "utf8"));
  const queries = JSON.parse(fs.readFileSync(0, "utf8"));
  const pipeline = variant === "material"
    ? (data.config.pipeline || ["trimmer", "stopWordFilter"])
    : ["trimmer", "stopWordFilter", "stemmer"];
  const built = buildIndex(data, pipeline);
  const out = queries.map(q => search(built, String(q), variant === "stemmed"));
  process.stdout.write(JSON.stringify(out));
}

if (require.main === module)
  main();
else
  module.exports = { buildIndex, search };

// extract_peer.js — Microsoft Recognizers-Text as a claim extractor, for
// bench/extract_peer.sh. Reads JSON lines {"doc", "text"} on stdin (the
// documents' extracted text, as claimdex reads it), runs the recognizers
// (Number: percentage; NumberWithUnit: currency, dimension, temperature,
// age; DateTime), maps their types to our kinds and writes one claim a line
// in the claims.md record: percentage -> percent, currency -> money,
// dimension in a weight unit -> mass (in tonnes), other dimensions ->
// quantity, datetime date/daterange -> date. Offsets are converted from
// the recognizers' UTF-16 indices (end inclusive) to UTF-8 byte offsets.
// The CPU time of the recognizers alone goes to stderr as "cpu SECONDS
// BYTES".
'use strict';
const path = require('path');
const S = require(path.join(process.env.PEER_DIR, 'node_modules',
                            '@microsoft', 'recognizers-text-suite'));
const C = S.Culture.English;

// tonnes per unit, for the weight units the recognizers name
const WEIGHT = {
  'Ton': 1, 'Metric ton': 1, 'Tonne': 1, 'Kilogram': 0.001, 'Gram': 1e-6,
  'Milligram': 1e-9, 'Pound': 0.00045359237, 'Ounce': 2.8349523125e-5,
  'Short ton': 0.90718474, 'Long ton': 1.0160469, 'Kilotonne': 1000,
  'Megatonne': 1e6,
};

function utf8Offsets(text) {
  // byte offset of each UTF-16 index
  const off = new Array(text.length + 1);
  let b = 0;
  for (let i = 0; i < text.length; i++) {
    off[i] = b;
    const c = text.charCodeAt(i);
    if (c < 0x80) b += 1;
    else if (c < 0x800) b += 2;
    else if (c >= 0xd800 && c <= 0xdbff) { off[i + 1] = b; b += 4; i++; }
    else b += 3;
  }
  off[text.length] = b;
  return off;
}

function num(v) {
  const x = parseFloat(v);
  return Number.isFinite(x) ? x : null;
}

function claims(doc, text) {
  const out = [];
  const found = [
    ...S.recognizePercentage(text, C),
    ...S.recognizeCurrency(text, C),
    ...S.recognizeDimension(text, C),
    ...S.recognizeTemperature(text, C),
    ...S.recognizeAge(text, C),
    ...S.recognizeDateTime(text, C),
  ];
  return [found, out];
}

function map(doc, text, off, r) {
  const res = r.resolution || {};
  const t = r.typeName || '';
  const c = { doc, kind: null, start: off[r.start], end: off[r.end + 1],
              text: r.text, value: null, unit: null, qualifier: 'exact',
              subject: null, commodity: null, time: null };
  if (t === 'percentage') {
    c.kind = 'percent'; c.value = num(res.value); c.unit = '%';
  } else if (t === 'currency') {
    c.kind = 'money'; c.value = num(res.value);
    c.unit = res.isoCurrency || res.unit || null;
  } else if (t === 'dimension') {
    const f = WEIGHT[res.unit];
    if (f !== undefined) {
      c.kind = 'mass'; c.value = num(res.value) * f; c.unit = 't';
    } else {
      c.kind = 'quantity'; c.value = num(res.value); c.unit = res.unit || null;
    }
  } else if (t === 'temperature' || t === 'age') {
    c.kind = 'quantity'; c.value = num(res.value); c.unit = res.unit || null;
  } else if (t === 'datetimeV2.date' || t === 'datetimeV2.daterange') {
    c.kind = 'date';
    const v = (res.values || [])[0] || {};
    const s = v.value || v.start || v.timex || null;
    c.value = s && /^\d{4}/.test(s) ? s.replace(/-XX.*$/, '') : null;
    if (v.timex && /^\d{4}$/.test(v.timex)) c.value = v.timex;
    else if (v.timex && /^\d{4}-\d{2}$/.test(v.timex)) c.value = v.timex;
  } else {
    return null;
  }
  return c;
}

const lines = require('fs').readFileSync(0, 'utf8').split('\n').filter(Boolean);
const docs = lines.map((l) => JSON.parse(l));
let bytes = 0;
const t0 = process.cpuUsage();
const results = docs.map((d) => claims(d.doc, d.text)[0]);
const t1 = process.cpuUsage(t0);
docs.forEach((d, i) => {
  bytes += Buffer.byteLength(d.text, 'utf8');
  const off = utf8Offsets(d.text);
  for (const r of results[i]) {
    const c = map(d.doc, d.text, off, r);
    if (c) process.stdout.write(JSON.stringify(c) + '\n');
  }
});
process.stderr.write(`cpu ${(t1.user + t1.system) / 1e6} ${bytes}\n`);

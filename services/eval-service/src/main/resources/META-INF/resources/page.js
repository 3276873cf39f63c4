// The run page of eval-service: runs, one run live, comparisons, replays. Plain DOM and SVG, no library.
// Every string from run data goes in through textContent or an attribute, never as HTML.
// Its data: GET runs, runs/{id}/view, runs/{id}/rounds (the same rounds as rounds.csv), replays/{id};
// POST replays with the operator's credentials. URLs are relative, so the page works behind a path prefix.
'use strict';
(function () {
  const POLL_MS = 2000;
  const SVG = 'http://www.w3.org/2000/svg'; // a namespace name, never fetched
  const main = document.getElementById('main');
  const status = document.getElementById('status');
  let route = 0; // bumped on every navigation: a stale poll stops itself

  // --- DOM helpers --------------------------------------------------------------------------------
  function el(tag, attrs, ...kids) {
    const e = document.createElement(tag);
    setAttrs(e, attrs);
    for (const k of kids.flat()) {
      if (k !== null && k !== undefined) e.append(k instanceof Node ? k : document.createTextNode(String(k)));
    }
    return e;
  }
  function svg(tag, attrs, ...kids) {
    const e = document.createElementNS(SVG, tag);
    setAttrs(e, attrs);
    for (const k of kids.flat()) if (k) e.append(k);
    return e;
  }
  function setAttrs(e, attrs) {
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v !== null && v !== undefined) e.setAttribute(k, String(v));
    }
  }
  function tip(text) { return svg('title', {}, document.createTextNode(text)); }
  function link(href, text) { return el('a', { href: href }, text); }
  function runHref(id) { return '#/runs/' + encodeURIComponent(id); }

  // The digits of Java's String.format("%.4f") (half up on the shortest decimal form), so the page shows
  // exactly what rounds.csv holds.
  function fixed(x, places) {
    if (x === null || x === undefined) return '';
    if (!Number.isFinite(x)) return String(x);
    const neg = x < 0 || Object.is(x, -0);
    const [mant, e] = Math.abs(x).toString().split('e');
    const [ip, fp = ''] = mant.split('.');
    let digits = ip + fp;
    let point = ip.length + (e ? parseInt(e, 10) : 0);
    if (point <= 0) { digits = '0'.repeat(1 - point) + digits; point = 1; }
    const keep = point + places;
    digits = digits.padEnd(keep + 1, '0');
    let head = digits.slice(0, keep).split('').map(Number);
    if (digits.charCodeAt(keep) - 48 >= 5) {
      let i = head.length - 1;
      for (; i >= 0 && head[i] === 9; i--) head[i] = 0;
      if (i < 0) head.unshift(1); else head[i]++;
    }
    const h = head.join('');
    const int = h.slice(0, h.length - places).replace(/^0+(?=\d)/, '') || '0';
    return (neg ? '-' : '') + int + (places ? '.' + h.slice(h.length - places) : '');
  }
  function num(x, places) { return x === null || x === undefined ? '-' : fixed(x, places); }

  async function getJson(url) {
    const r = await fetch(url, { credentials: 'omit', cache: 'no-store' });
    if (!r.ok) throw new Error(url + ': ' + r.status);
    return r.json();
  }

  function configSummary(c) {
    const f = c.fusion || {};
    return 'data ' + c.data.name + ' · N ' + c.data.clients + ' · Q ' + c.schedule.pairs + ' · width ' + c.width
      + ' · layers ' + f.layers + ' · ' + (f.method || 'fmkt') + ' · ' + (c.numerics || 'native');
  }
  function stateBadge(info) {
    const b = el('span', { class: 'state ' + info.state, id: 'state' }, info.state);
    if (info.failure) b.title = info.failure;
    return b;
  }
  function parentOf(info) { return info.replayOf || info.parentRunId; }

  // --- charts ---------------------------------------------------------------------------------------
  const W = 600, H = 260, M = { l: 44, r: 12, t: 24, b: 30 };

  /** A frame with axes for x in 1..xMax (rounds) and y in [lo, hi]; returns the svg and the scales. */
  function frame(id, xMax, lo, hi, yLabel) {
    const x = r => M.l + (xMax <= 1 ? 0.5 : (r - 1) / (xMax - 1)) * (W - M.l - M.r);
    const y = v => H - M.b - (v - lo) / (hi - lo || 1) * (H - M.t - M.b);
    const s = svg('svg', { id: id, class: 'chart', viewBox: '0 0 ' + W + ' ' + H, role: 'img' });
    const axis = svg('g', { class: 'axis' });
    axis.append(svg('line', { x1: M.l, x2: W - M.r, y1: H - M.b, y2: H - M.b }));
    axis.append(svg('line', { x1: M.l, x2: M.l, y1: M.t, y2: H - M.b }));
    for (let i = 0; i <= 4; i++) {
      const v = lo + (hi - lo) * i / 4;
      axis.append(svg('line', { x1: M.l - 4, x2: M.l, y1: y(v), y2: y(v) }));
      axis.append(svg('text', { x: M.l - 6, y: y(v) + 4, 'text-anchor': 'end' }, document.createTextNode(fixed(v, hi - lo < 5 ? 2 : 1))));
    }
    const step = Math.max(1, Math.ceil(xMax / 10));
    for (let r = 1; r <= xMax; r += step) {
      axis.append(svg('text', { x: x(r), y: H - M.b + 14, 'text-anchor': 'middle' }, document.createTextNode(String(r))));
    }
    axis.append(svg('text', { x: (W + M.l) / 2, y: H - 2, 'text-anchor': 'middle' }, document.createTextNode('round')));
    axis.append(svg('text', { x: 4, y: 12 }, document.createTextNode(yLabel)));
    s.append(axis);
    return { s, x, y };
  }
  function range(values, pad) {
    const v = values.filter(Number.isFinite);
    if (!v.length) return [0, 1];
    let lo = Math.min(...v), hi = Math.max(...v);
    if (hi - lo < pad) { lo -= pad / 2; hi += pad / 2; }
    return [Math.floor(lo / pad) * pad, Math.ceil(hi / pad) * pad];
  }
  function path(points) { return points.map((p, i) => (i ? 'L' : 'M') + p[0].toFixed(1) + ' ' + p[1].toFixed(1)).join(' '); }

  /** Mean accuracy per round with the min-max band. */
  function accuracyChart(rounds, planned) {
    const [lo, hi] = range(rounds.flatMap(r => [r.accMin, r.accMax]), 5);
    const { s, x, y } = frame('accuracy-chart', Math.max(planned, 1), lo, hi, 'accuracy %');
    if (rounds.length) {
      const band = rounds.map(r => [x(r.round), y(r.accMax)]).concat(rounds.slice().reverse().map(r => [x(r.round), y(r.accMin)]));
      s.append(svg('path', { class: 'band', d: path(band) + ' Z' }));
      s.append(svg('path', { class: 'mean', d: path(rounds.map(r => [x(r.round), y(r.accMean)])) }));
      for (const r of rounds) {
        s.append(svg('circle', { cx: x(r.round), cy: y(r.accMean), r: 3, class: 'mean' },
          tip('round ' + r.round + ': mean ' + fixed(r.accMean, 2) + ' % (min ' + fixed(r.accMin, 2) + ', max ' + fixed(r.accMax, 2) + ')')));
      }
    }
    return s;
  }

  /** Several runs' mean accuracy (a comparison). */
  function meansChart(id, named) {
    const all = named.flatMap(n => n.rounds.map(r => r.accMean));
    const [lo, hi] = range(all, 5);
    const xMax = Math.max(1, ...named.map(n => n.rounds.length ? n.rounds[n.rounds.length - 1].round : 1));
    const { s, x, y } = frame(id, xMax, lo, hi, 'mean accuracy %');
    named.forEach((n, i) => {
      if (n.rounds.length) s.append(svg('path', { class: 'series' + (i + 1), d: path(n.rounds.map(r => [x(r.round), y(r.accMean)])) }, tip(n.name)));
    });
    return s;
  }

  /** Per-client accuracy, rounds x clients. */
  function heatMap(rounds, clients) {
    const cell = Math.max(4, Math.min(48, Math.floor(500 / Math.max(clients, 1))));
    const rowH = Math.max(4, Math.min(28, Math.floor(320 / Math.max(rounds.length, 1))));
    const width = 50 + clients * cell, height = 18 + rounds.length * rowH;
    const s = svg('svg', { id: 'heatmap', class: 'chart', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    const values = rounds.flatMap(r => r.perClient);
    const lo = values.length ? Math.min(...values) : 0, hi = values.length ? Math.max(...values) : 1;
    for (let c = 0; c < clients; c += Math.max(1, Math.ceil(clients / 16))) {
      s.append(svg('text', { x: 50 + c * cell + cell / 2, y: 12, 'text-anchor': 'middle' }, document.createTextNode(String(c))));
    }
    rounds.forEach((r, i) => {
      if (i % Math.ceil(12 / rowH) === 0) {
        s.append(svg('text', { x: 44, y: 16 + i * rowH + rowH / 2 + 4, 'text-anchor': 'end' }, document.createTextNode(String(r.round))));
      }
      r.perClient.forEach((v, c) => {
        const t = hi > lo ? (v - lo) / (hi - lo) : 0.5;
        s.append(svg('rect', { x: 50 + c * cell, y: 16 + i * rowH, width: cell - 1, height: rowH - 1,
          fill: 'hsl(210, 70%, ' + (92 - 60 * t).toFixed(1) + '%)' }, tip('round ' + r.round + ', client ' + c + ': ' + fixed(v, 2) + ' %')));
      });
    });
    return el('div', {}, s, el('div', { class: 'muted' }, 'rows: rounds; columns: clients; light ' + fixed(lo, 2) + ' % to dark ' + fixed(hi, 2) + ' %'));
  }

  /** Each round's pairs by outcome; the reason is on hover. */
  function pairsChart(pairs, planned, q) {
    const cell = Math.max(6, Math.min(22, Math.floor(500 / Math.max(q, 1))));
    const rowH = Math.max(5, Math.min(22, Math.floor(320 / Math.max(planned, 1))));
    const width = 50 + q * cell, height = 6 + planned * rowH;
    const s = svg('svg', { id: 'pairs-chart', class: 'chart', width: width, height: height, viewBox: '0 0 ' + width + ' ' + height, role: 'img' });
    const byRound = new Map();
    for (const p of pairs) (byRound.get(p.round) || byRound.set(p.round, []).get(p.round)).push(p);
    for (let r = 1; r <= planned; r++) {
      const ps = byRound.get(r) || [];
      if ((r - 1) % Math.ceil(12 / rowH) === 0) {
        s.append(svg('text', { x: 44, y: 4 + (r - 1) * rowH + rowH / 2 + 3, 'text-anchor': 'end' }, document.createTextNode(String(r))));
      }
      for (let i = 0; i < q; i++) {
        const p = ps[i];
        const text = p ? 'round ' + r + ': ' + p.updater + ' → ' + p.receiver + ' ' + p.status
          + (p.kept ? ', kept ' + p.kept : '') + (p.fusionSeconds !== null ? ', ' + fixed(p.fusionSeconds, 2) + ' s' : '')
          + (p.reason ? ': ' + p.reason : '') : 'round ' + r + ': no outcome yet';
        s.append(svg('rect', { x: 50 + i * cell, y: 4 + (r - 1) * rowH, width: cell - 2, height: rowH - 2,
          class: p ? p.status : 'pending', 'data-status': p ? p.status : 'pending' }, tip(text)));
      }
    }
    const counts = { fused: 0, skipped: 0, failed: 0 };
    for (const p of pairs) counts[p.status]++;
    const legend = el('div', { class: 'legend' }, ['fused', 'skipped', 'failed'].map(k =>
      el('span', {}, svgSwatch(k), k + ' ' + counts[k])));
    return el('div', {}, s, legend);
  }
  function svgSwatch(cls) {
    const s = svg('svg', { width: 12, height: 12 });
    s.append(svg('rect', { width: 12, height: 12, class: cls }));
    return s;
  }

  /** Layer-wise CKA between peers, per stage. */
  function ckaChart(rounds, planned) {
    const withCka = rounds.filter(r => Array.isArray(r.cka));
    const { s, x, y } = frame('cka-chart', Math.max(planned, 1), 0, 1, 'CKA');
    for (let st = 0; st < 4; st++) {
      if (withCka.length) {
        s.append(svg('path', { class: 'cka stage' + (st + 1), d: path(withCka.map(r => [x(r.round), y(r.cka[st])])) },
          tip('stage ' + (st + 1))));
      }
    }
    const legend = el('div', { class: 'legend' }, [1, 2, 3, 4].map(st => el('span', {},
      el('i', { style: 'background: ' + ['#2f81f7', '#1a7f37', '#d4760b', '#8250df'][st - 1] }), 'stage ' + st)));
    return el('div', {}, s, legend);
  }

  function table(id, headers, rows) {
    return el('table', { id: id },
      el('thead', {}, el('tr', {}, headers.map(h => el('th', { class: typeof h === 'object' ? 'text' : null }, typeof h === 'object' ? h.text : h)))),
      el('tbody', {}, rows.map(r => el('tr', {}, r.map(c => el('td', { class: typeof c === 'object' && c && c.text !== undefined ? 'text' : null },
        typeof c === 'object' && c && c.text !== undefined ? c.text : c))))));
  }

  // --- views ------------------------------------------------------------------------------------------
  const picked = new Set(); // runs ticked for comparison, kept across updates of the list

  async function runsView(token) {
    const runs = await getJson('runs');
    if (token !== route) return;
    const go = el('a', { id: 'compare-picked', class: 'muted' });
    const update = () => {
      const [a, b] = [...picked];
      if (picked.size === 2) { go.href = '#/compare/' + encodeURIComponent(a) + '/' + encodeURIComponent(b); go.textContent = 'compare ' + a + ' with ' + b; }
      else { go.removeAttribute('href'); go.textContent = 'tick two runs to compare them'; }
    };
    const rows = runs.map(r => {
      const box = el('input', { type: 'checkbox', 'data-run': r.runId });
      box.checked = picked.has(r.runId);
      box.addEventListener('change', () => { if (box.checked) picked.add(r.runId); else picked.delete(r.runId); update(); });
      const parent = parentOf(r);
      return [box, { text: link(runHref(r.runId), r.runId) }, { text: r.createdAt.replace('T', ' ').replace(/\.\d+Z$|Z$/, '') },
        { text: stateBadge(r) }, r.roundsEvaluated + '/' + r.roundsPlanned, { text: el('span', { class: 'config' }, configSummary(r.config)) },
        { text: parent ? link(runHref(parent), parent) : '' }];
    });
    update();
    main.replaceChildren(el('h1', {}, 'Runs'),
      el('section', {}, runs.length ? table('runs-table', ['', { text: 'run' }, { text: 'started (UTC)' }, { text: 'state' }, 'rounds',
        { text: 'config' }, { text: 'parent' }], rows) : el('p', { class: 'muted' }, 'No run yet: start one with ./fmkt run.'),
      el('div', { class: 'pick' }, go)));
    return POLL_MS * 2;
  }

  function runView(id) {
    let parentRounds = null;
    let slots = null; // built once: the replay form and the compare menu keep their input across updates
    return async function refresh(token) {
      const runs = await getJson('runs');
      const info = runs.find(r => r.runId === id);
      if (token !== route) return;
      if (!info) {
        main.replaceChildren(el('h1', {}, id), el('p', { id: 'waiting', class: 'muted' },
          'Waiting for run ' + id + ': this page follows it as soon as the eval-service learns it.'));
        return POLL_MS;
      }
      const v = await getJson('runs/' + encodeURIComponent(id) + '/view');
      const parent = parentOf(info);
      if (parent && parentRounds === null && runs.some(r => r.runId === parent)) {
        parentRounds = await getJson('runs/' + encodeURIComponent(parent) + '/rounds');
      }
      if (token !== route) return;
      if (!slots) {
        slots = runSkeleton(id);
        main.replaceChildren(slots.root);
      }
      const c = v.run.config;
      const planned = v.run.roundsPlanned;
      const others = runs.filter(r => r.runId !== id).map(r => r.runId);
      if (slots.pick.options.length !== others.length + 1) {
        slots.pick.replaceChildren(el('option', { value: '' }, 'compare with…'), others.map(r => el('option', { value: r }, r)));
      }
      slots.head.replaceChildren(stateBadge(v.run), ' ', el('span', { id: 'progress' }, 'round ' + v.run.roundsEvaluated + ' of ' + planned), ' · ',
        el('span', { class: 'config' }, configSummary(c)),
        parent ? el('span', {}, ' · replay of ', link(runHref(parent), parent), ' (', link('#/compare/' + encodeURIComponent(parent) + '/' + encodeURIComponent(id), 'compare'), ')') : '',
        ' · ', link('runs/' + encodeURIComponent(id) + '/rounds.csv', 'rounds.csv'),
        v.run.failure ? el('div', { class: 'failure' }, 'failed: ' + v.run.failure) : '');
      slots.accuracy.replaceChildren(accuracyChart(v.rounds, planned));
      slots.heat.replaceChildren(heatMap(v.rounds, c.data.clients));
      slots.rounds.replaceChildren(table('rounds-table', ['round', 'acc_mean', 'acc_min', 'acc_max', 'acc_std'],
        v.rounds.map(r => [r.round, fixed(r.accMean, 4), fixed(r.accMin, 4), fixed(r.accMax, 4), fixed(r.accStd, 4)])));
      slots.pairs.replaceChildren(pairsChart(v.pairs, planned, c.schedule.pairs));
      const t = v.throughput;
      slots.throughput.replaceChildren(table('throughput-table', [{ text: 'worker' }, 'pairs', 'fusion s', 'pairs/s', 'samples/s'],
        t.workers.map(w => [{ text: w.worker }, w.pairs, num(w.seconds, 2), num(w.pairsPerSecond, 4), num(w.samplesPerSecond, 1)])),
        el('p', { class: 'muted' }, t.pairs + ' fusions over ' + num(t.wallSeconds, 1) + ' s of wall clock: '
          + num(t.pairsPerWallSecond, 4) + ' pairs/s for the run; per worker, per second of its own fusion time.'));
      slots.cka.replaceChildren(ckaChart(v.rounds, planned));
      const dl = v.deadLetters;
      slots.deadLetters.replaceChildren(el('p', {}, el('span', { id: 'dead-letters' }, String(dl.count)), ' dead letters'),
        table('dead-letter-reasons', [{ text: 'reason' }, 'count'], Object.entries(dl.reasons).map(([k, n]) => [{ text: k }, n])),
        el('ul', {}, dl.recent.map(d => el('li', { title: d.detail || '' }, d.at + ' ' + d.reason + ' on ' + d.topic))));
      if (parentRounds) {
        slots.parent.hidden = false;
        slots.parent.replaceChildren(el('h2', {}, 'Compared with its parent ' + parent), comparison(parent, parentRounds, id, v.rounds));
      }
      return info.state === 'running' ? POLL_MS / 2 : POLL_MS * 5; // a live run: every second
    };
  }

  function runSkeleton(id) {
    const box = (title, cls) => { const body = el('div', { class: cls }); return [el('section', {}, el('h2', {}, title), body), body]; };
    const [acc, accuracy] = box('Global accuracy: mean, min-max band');
    const [heatS, heat] = box('Per-client accuracy');
    const [roundsS, rounds] = box('Rounds (as rounds.csv)');
    const [pairsS, pairs] = box('Pair outcomes per round');
    const [thrS, throughput] = box('Fusion throughput');
    const [ckaS, cka] = box('Layer-wise CKA between peers');
    const [dlS, deadLetters] = box('Dead letters');
    const parent = el('section', { id: 'parent-comparison', hidden: '' });
    const pick = el('select', { id: 'compare-with' }, el('option', { value: '' }, 'compare with…'));
    pick.addEventListener('change', () => { if (pick.value) location.hash = '#/compare/' + encodeURIComponent(id) + '/' + encodeURIComponent(pick.value); });
    const head = el('span', {});
    const root = el('div', {}, el('h1', {}, id), el('p', {}, head, ' · ', pick),
      el('div', { class: 'grid' }, acc, heatS, roundsS, pairsS, thrS, ckaS, dlS, parent,
        el('section', {}, el('h2', {}, 'Replay this run'), replayForm(id))));
    return { root, head, pick, accuracy, heat, rounds, pairs, throughput, cka, deadLetters, parent };
  }

  /** Two runs' mean accuracy round by round, as comparison.csv/png of ./fmkt replay. */
  function comparison(a, roundsA, b, roundsB) {
    const byRound = new Map(roundsA.map(r => [r.round, r]));
    const rows = roundsB.filter(r => byRound.has(r.round)).map(r => {
      const p = byRound.get(r.round);
      return [r.round, fixed(p.accMean, 4), fixed(r.accMean, 4), fixed(r.accMean - p.accMean, 4)];
    });
    return el('div', {}, meansChart('compare-chart', [{ name: a, rounds: roundsA }, { name: b, rounds: roundsB }]),
      el('div', { class: 'legend' }, el('span', {}, el('i', { style: 'background:#2f81f7' }), a), el('span', {}, el('i', { style: 'background:#d4760b' }), b)),
      table('compare-table', ['round', a + ' %', b + ' %', 'delta'], rows));
  }

  function compareView(a, b) {
    return async function refresh(token) {
      const [ra, rb] = await Promise.all([getJson('runs/' + encodeURIComponent(a) + '/rounds'), getJson('runs/' + encodeURIComponent(b) + '/rounds')]);
      if (token !== route) return;
      main.replaceChildren(el('h1', {}, 'Compare ', link(runHref(a), a), ' and ', link(runHref(b), b)),
        el('section', {}, comparison(a, ra, b, rb)));
      return POLL_MS * 2;
    };
  }

  /** Starts a replay through POST replays: only with the operator's credentials, typed here. */
  function replayForm(id) {
    const mode = el('select', { name: 'mode' }, ['reevaluate', 'refusion', 'resume'].map(m => el('option', { value: m }, m)));
    const layers = el('input', { name: 'layers', size: 6, placeholder: '1,3' });
    const beta = el('input', { name: 'beta', size: 5, placeholder: '1.0' });
    const from = el('input', { name: 'from', size: 3, placeholder: '1' });
    const to = el('input', { name: 'to', size: 3, placeholder: 'last' });
    const user = el('input', { name: 'user', size: 9, value: 'operator', autocomplete: 'username' });
    const pass = el('input', { name: 'password', type: 'password', size: 12, autocomplete: 'current-password' });
    const out = el('p', { class: 'muted', id: 'replay-status' }, 'Needs the operator\'s credentials; without them this page is read-only.');
    const f = el('form', { class: 'replay' },
      el('label', {}, 'mode', mode), el('label', {}, 'layers', layers), el('label', {}, 'beta', beta),
      el('label', {}, 'from round', from), el('label', {}, 'to round', to), el('label', {}, 'user', user),
      el('label', {}, 'password', pass), el('button', { type: 'submit' }, 'start replay'));
    f.addEventListener('submit', async ev => {
      ev.preventDefault();
      if (!pass.value) { out.textContent = 'Enter the operator\'s password first.'; return; }
      const q = new URLSearchParams({ run: id, mode: mode.value });
      for (const [k, i] of [['layers', layers], ['beta', beta], ['from', from], ['to', to]]) if (i.value.trim()) q.set(k, i.value.trim());
      const token = btoa(String.fromCharCode(...new TextEncoder().encode(user.value + ':' + pass.value)));
      // credentials 'omit': the browser never prompts for a password or keeps one; the header is ours.
      const r = await fetch('replays?' + q, { method: 'POST', credentials: 'omit', headers: { Authorization: 'Basic ' + token } });
      if (r.status === 401) { out.textContent = 'Refused: wrong operator credentials.'; return; }
      const body = await r.text();
      if (r.status !== 202) { out.textContent = 'Refused (' + r.status + '): ' + body; return; }
      const s = JSON.parse(body);
      out.replaceChildren('Replay ', link(runHref(s.replayId), s.replayId), ' ' + s.state + '.');
      followReplay(s.replayId, out);
    });
    return el('div', {}, f, out);
  }

  async function followReplay(replayId, out) {
    for (let i = 0; i < 600; i++) {
      const s = await getJson('replays/' + encodeURIComponent(replayId));
      out.replaceChildren('Replay ', link(runHref(replayId), replayId), ' ' + s.state + (s.error ? ': ' + s.error : '') + '.');
      if (s.state !== 'running') return;
      await new Promise(r => setTimeout(r, POLL_MS));
    }
  }

  // --- routing ------------------------------------------------------------------------------------------
  async function navigate() {
    const token = ++route;
    const parts = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
    let refresh;
    if (parts[0] === 'runs' && parts[1]) refresh = runView(parts[1]);
    else if (parts[0] === 'compare' && parts[1] && parts[2]) refresh = compareView(parts[1], parts[2]);
    else refresh = runsView;
    while (token === route) {
      let wait;
      try {
        wait = await refresh(token);
        status.textContent = 'updated ' + new Date().toLocaleTimeString();
      } catch (e) {
        status.textContent = 'cannot reach the eval-service (' + e.message + '); retrying';
        wait = POLL_MS * 2;
      }
      if (!wait) return;
      await new Promise(r => setTimeout(r, wait));
    }
  }
  window.addEventListener('hashchange', navigate);
  navigate();
})();

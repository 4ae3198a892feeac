// The console reads and acts only through the public REST API, the same calls an operator's curl would make.
'use strict';
(() => {
  const REFRESH_MS = 2000;
  const NONE = '\u2014';
  // Kafka Connect's per-task rates, shown as "in" (what the task took) and "out" (what it passed on).
  const RATES = {
    kafka_connect_source_task_metrics_source_record_poll_rate: 'in',
    kafka_connect_source_task_metrics_source_record_write_rate: 'out',
    kafka_connect_sink_task_metrics_sink_record_read_rate: 'in',
    kafka_connect_sink_task_metrics_sink_record_send_rate: 'out',
  };
  const LAG = 'kafka_connect_sink_task_metrics_records_lag';

  // Traces the operator opened stay open across refreshes.
  const openTraces = new Set();
  let timer = null;
  let requested = 0;
  let rendered = 0;
  let lastView = '';

  const byTestId = id => document.querySelector(`[data-testid="${id}"]`);

  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(props ?? {})) {
      if (value === undefined || value === null || value === false) continue;
      if (key === 'text') node.textContent = value;
      else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? '' : String(value));
    }
    node.append(...children.flat().filter(c => c !== null && c !== undefined));
    return node;
  }

  function parseMetrics(text) {
    const tasks = {};
    for (const line of text.split('\n')) {
      const m = /^([A-Za-z_:][\w:]*)\{(.*)\}\s+(\S+)/.exec(line);
      if (!m || !(m[1] in RATES || m[1] === LAG)) continue;
      const labels = {};
      for (const [, k, v] of m[2].matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v.replace(/\\(.)/g, (_, c) => (c === 'n' ? '\n' : c));
      const entry = (tasks[`${labels.connector}/${labels.task}`] ??= { lag: [] });
      const value = Number(m[3]);
      if (m[1] === LAG) entry.lag.push({ topic: labels.topic, partition: labels.partition, value });
      else entry[RATES[m[1]]] = value;
    }
    return tasks;
  }

  // A rate the task has not reported, or 0, is "—": an idle task and one not measured yet look the same on purpose.
  const rate = value => (Number.isFinite(value) && value > 0 ? (value < 10 ? value.toFixed(1) : Math.round(value).toLocaleString('en')) : NONE);

  const rootCause = trace => (trace ?? '').split('\n', 1)[0].trim() || 'no error was recorded';

  const stateBadge = (state, testId) => el('span', { class: `state state-${state}`, 'data-testid': testId, text: state });

  function failure(trace, key, testId, what) {
    return [
      el('p', { class: 'problem', 'data-testid': `${testId}-root-cause`, text: rootCause(trace) }),
      trace
        ? el('details', { 'data-testid': `${testId}-trace`, open: openTraces.has(key), ontoggle: e => (e.target.open ? openTraces.add(key) : openTraces.delete(key)) },
            el('summary', { text: `Full trace of ${what}` }),
            el('pre', { text: trace }))
        : null,
    ];
  }

  function say(message, isError) {
    const region = byTestId('action-result');
    region.textContent = message;
    region.className = isError ? 'warning' : '';
  }

  async function act(method, path, what) {
    try {
      const response = await fetch(path, { method });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        throw new Error(body?.message ?? `${response.status} ${response.statusText}`);
      }
      say(`${what}: requested`);
    } catch (e) {
      say(`${what} failed: ${e.message}`, true);
    }
    await refresh();
  }

  function button(label, ariaLabel, testId, onclick, disabled) {
    return el('button', { type: 'button', 'aria-label': ariaLabel, 'data-testid': testId, disabled, onclick }, label);
  }

  function taskRow(name, task, metrics) {
    const m = metrics[`${name}/${task.id}`] ?? { lag: [] };
    const lag = m.lag.length
      ? el('td', { class: 'num', 'data-testid': 'task-lag', title: m.lag.map(p => `${p.topic}-${p.partition}: ${p.value}`).join('\n'), text: m.lag.reduce((sum, p) => sum + p.value, 0).toLocaleString('en') })
      : el('td', { class: 'num', 'data-testid': 'task-lag', text: NONE });
    const path = `/connectors/${encodeURIComponent(name)}/tasks/${task.id}`;
    return el('tr', { 'data-testid': 'task', 'data-task': task.id },
      el('th', { scope: 'row', text: task.id }),
      el('td', {}, stateBadge(task.state, 'task-state')),
      el('td', { 'data-testid': 'task-worker', text: task.worker_id }),
      el('td', { class: 'num', 'data-testid': 'task-restarts', text: task.restart_count ?? 0 }),
      el('td', { class: 'num', 'data-testid': 'task-rate-in', text: rate(m.in) }),
      el('td', { class: 'num', 'data-testid': 'task-rate-out', text: rate(m.out) }),
      lag,
      el('td', {},
        task.state === 'FAILED' ? failure(task.trace, `${name}/${task.id}`, 'task', `task ${task.id}`) : null,
        task.last_error ? el('span', { class: 'warning', 'data-testid': 'task-last-error', text: task.last_error }) : null),
      el('td', {}, button('Restart', `Restart task ${task.id} of ${name}`, 'task-restart', () => act('POST', `${path}/restart`, `Restart task ${task.id} of ${name}`))));
  }

  function connectorSection(name, entry, metrics) {
    const status = entry.status ?? { connector: { state: 'UNASSIGNED', worker_id: '' }, tasks: [] };
    const type = status.type ?? entry.info?.type ?? 'unknown';
    const state = status.connector.state;
    const path = `/connectors/${encodeURIComponent(name)}`;
    const headingId = `connector-${name.replace(/[^\w-]/g, '_')}`;
    const inOut = type === 'sink' ? ['read from Kafka', 'put to the task'] : ['polled from the task', 'written to Kafka'];
    return el('section', { class: 'connector', 'data-testid': 'connector', 'data-connector': name, 'aria-labelledby': headingId },
      el('div', { class: 'connector-head' },
        el('h2', { id: headingId, 'data-testid': 'connector-name', text: name }),
        el('span', { class: 'facts' },
          el('span', { 'data-testid': 'connector-type', text: type }), ' \u00b7 ',
          stateBadge(state, 'connector-state'), ' \u00b7 on ',
          el('span', { 'data-testid': 'connector-worker', text: status.connector.worker_id || NONE })),
        el('div', { class: 'actions' },
          button('Pause', `Pause connector ${name}`, 'connector-pause', () => act('PUT', `${path}/pause`, `Pause ${name}`), state === 'PAUSED'),
          button('Resume', `Resume connector ${name}`, 'connector-resume', () => act('PUT', `${path}/resume`, `Resume ${name}`), state === 'RUNNING'),
          button('Restart', `Restart connector ${name}`, 'connector-restart', () => act('POST', `${path}/restart`, `Restart ${name}`)))),
      state === 'FAILED' ? failure(status.connector.trace, name, 'connector', `connector ${name}`) : null,
      status.connector.message ? el('p', { class: 'warning', 'data-testid': 'connector-message', text: status.connector.message }) : null,
      el('table', {},
        el('caption', { class: 'visually-hidden', text: `Tasks of ${name}` }),
        el('thead', {}, el('tr', {},
          ['Task', 'State', 'Worker', 'Restarts'].map(h => el('th', { scope: 'col', text: h })),
          el('th', { scope: 'col', title: `records/s ${inOut[0]}, over the last minute`, text: 'In (rec/s)' }),
          el('th', { scope: 'col', title: `records/s ${inOut[1]}, over the last minute`, text: 'Out (rec/s)' }),
          el('th', { scope: 'col', title: 'records in the task\'s partitions beyond its position (sinks)', text: 'Lag' }),
          el('th', { scope: 'col', text: 'Error' }),
          el('th', { scope: 'col', text: 'Actions' }))),
        el('tbody', {}, [...status.tasks].sort((a, b) => a.id - b.id).map(t => taskRow(name, t, metrics)))));
  }

  function render(connectors, metrics) {
    // Rebuilding only on change keeps the page still (focus, selection) while nothing happens.
    const view = JSON.stringify([connectors, metrics]);
    if (view === lastView) return;
    lastView = view;
    const names = Object.keys(connectors).sort();
    byTestId('no-connectors').hidden = names.length > 0;
    const focused = document.activeElement?.getAttribute('aria-label');
    byTestId('connectors').replaceChildren(...names.map(n => connectorSection(n, connectors[n], metrics)));
    if (focused) document.querySelector(`button[aria-label="${CSS.escape(focused)}"]`)?.focus();
  }

  async function refresh() {
    const mine = ++requested;
    try {
      const [connectors, metrics] = await Promise.all([
        fetch('/connectors?expand=status&expand=info', { cache: 'no-store' }).then(async r => {
          if (!r.ok) throw new Error((await r.json().catch(() => null))?.message ?? `${r.status} ${r.statusText}`);
          return r.json();
        }),
        // Metrics are extra: without them the console still shows states and errors.
        fetch('/metrics', { cache: 'no-store' }).then(r => (r.ok ? r.text() : '')).catch(() => ''),
      ]);
      // An older answer arriving after a newer one (a click refreshes between ticks) must not undo it.
      if (mine < rendered) return;
      rendered = mine;
      render(connectors, parseMetrics(metrics));
      byTestId('load-error').hidden = true;
      byTestId('refreshed').textContent = `Updated ${new Date().toLocaleTimeString('en-GB')}, every ${REFRESH_MS / 1000} s`;
    } catch (e) {
      const problem = byTestId('load-error');
      problem.textContent = `Cannot read the worker's REST API: ${e.message}. Retrying every ${REFRESH_MS / 1000} s.`;
      problem.hidden = false;
    } finally {
      clearTimeout(timer);
      timer = setTimeout(refresh, REFRESH_MS);
    }
  }

  refresh();
})();

// The live page: reads runs.json every second and draws the report's three panels and the
// decision log. One colour per run (policy), so --compare puts both policies on the same axes.
"use strict";

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd"];
const TARGET_COLOR = "#7a7a7a";
const HEIGHT = 200;
// Round seconds on the time axis: 0, 30, 60, ... (finer for short runs).
const SECOND_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600];

let charts = null; // {rates, lag, replicas} once the number of runs is known
let chartsFor = -1;
let board = null;

function color(i) {
  return COLORS[i % COLORS.length];
}

function seconds(board) {
  let last = board.plannedSeconds || 0;
  for (const run of board.runs) {
    const s = run.series.second;
    if (s.length) last = Math.max(last, s[s.length - 1]);
  }
  const xs = [];
  for (let t = 0; t <= last; t++) xs.push(t);
  return xs;
}

// One run's column aligned on the shared time axis (null where the run has no value).
function column(run, name, xs) {
  const out = new Array(xs.length).fill(null);
  const s = run.series.second;
  const v = run.series[name];
  for (let i = 0; i < s.length; i++) {
    if (s[i] < out.length) out[s[i]] = v[i];
  }
  return out;
}

function eventColumn(run, xs) {
  const out = new Array(xs.length).fill(null);
  for (const e of run.events) {
    if (e.second < out.length) out[e.second] = e.to;
  }
  return out;
}

// A new object per chart: uPlot keeps its own state in the options it is given.
function timeAxis() {
  return {
    label: "second",
    incrs: SECOND_STEPS,
    values: (u, splits) => splits.map((v) => String(v)),
    grid: { stroke: "#eef0f3" },
  };
}

function axis(label, side, scale) {
  const a = { label, grid: { stroke: "#eef0f3" }, size: 56 };
  if (side !== undefined) a.side = side;
  if (scale !== undefined) a.scale = scale;
  if (side === 1) a.grid = { show: false };
  return a;
}

// Counts the points a chart has drawn, for the page's test and anyone curious.
function countPoints(u) {
  let n = 0;
  for (let i = 1; i < u.data.length; i++) {
    if (!u.series[i].show) continue;
    for (const v of u.data[i]) if (v !== null && v !== undefined) n++;
  }
  u.root.parentElement.dataset.points = String(n);
}

// Labels each scale event (the points series) with its reason, staggered so neighbours do not
// overlap.
function eventLabels() {
  return {
    hooks: {
      draw: [
        (u) => {
          const ctx = u.ctx;
          ctx.save();
          ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
          // uPlot leaves the alignment of its last axis label behind.
          ctx.textAlign = "left";
          ctx.textBaseline = "bottom";
          board.runs.forEach((run, runIdx) => {
            run.events.forEach((e, k) => {
              const x = u.valToPos(e.second, "x", true);
              const y = u.valToPos(e.to, "y", true);
              const dy = (9 + (k % 2) * 15) * devicePixelRatio;
              const text = `${e.from}\u2192${e.to} ${e.reason}`;
              const w = ctx.measureText(text).width;
              const h = 13 * devicePixelRatio;
              const left = Math.min(Math.max(x - w / 2, u.bbox.left), u.bbox.left + u.bbox.width - w);
              const bottom = Math.max(y - dy, u.bbox.top + h);
              // A white box behind the text keeps it readable over the lines.
              ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
              ctx.fillRect(left - 2, bottom - h, w + 4, h);
              ctx.fillStyle = color(runIdx);
              ctx.fillText(text, left, bottom);
            });
          });
          ctx.restore();
        },
      ],
    },
  };
}

function makeCharts(board) {
  for (const id of ["rates", "lag", "replicas"]) document.getElementById(id).textContent = "";
  const width = () => document.getElementById("rates").clientWidth || 800;
  const common = () => ({
    width: width(),
    height: HEIGHT,
    scales: { x: { time: false } },
    cursor: { drag: { x: false, y: false } },
    legend: { live: true },
    hooks: { draw: [countPoints] },
  });
  const multi = board.runs.length > 1;
  const name = (run, what) => (multi ? `${run.policy} ${what}` : what);

  const rateSeries = [{ label: "second" }, { label: "target", stroke: TARGET_COLOR, width: 2, dash: [2, 3] }];
  const lagSeries = [{ label: "second" }, { label: "time-lag target", stroke: TARGET_COLOR, scale: "s", dash: [2, 3], width: 1.5 }];
  const replicaSeries = [{ label: "second" }];
  board.runs.forEach((run, i) => {
    const c = color(i);
    rateSeries.push({ label: name(run, "acknowledged"), stroke: c, dash: [6, 4], width: 1.5 });
    rateSeries.push({ label: name(run, "consumed"), stroke: c, width: 2 });
    lagSeries.push({ label: name(run, "lag"), stroke: c, width: 2, scale: "messages" });
    lagSeries.push({ label: name(run, "time lag (s)"), stroke: c, width: 1.5, dash: [6, 4], scale: "s" });
    replicaSeries.push({ label: name(run, "desired"), stroke: c, width: 2, paths: uPlot.paths.stepped({ align: 1 }) });
    replicaSeries.push({ label: name(run, "ready"), stroke: c, width: 1.5, dash: [6, 4], paths: uPlot.paths.stepped({ align: 1 }) });
    replicaSeries.push({
      label: name(run, "scale events"),
      stroke: c,
      fill: c,
      width: 0,
      paths: () => null,
      points: { show: true, size: 9, fill: c, stroke: "#fff", width: 1.5 },
    });
  });

  const rates = new uPlot(
    { ...common(), series: rateSeries, axes: [timeAxis(), axis("orders/s")], scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(10, max * 1.1)] } } },
    [[]].concat(rateSeries.slice(1).map(() => [])),
    document.getElementById("rates"),
  );
  const lag = new uPlot(
    {
      ...common(),
      series: lagSeries,
      axes: [timeAxis(), axis("messages", 3, "messages"), axis("time lag (s)", 1, "s")],
      scales: {
        x: { time: false },
        messages: { range: (u, min, max) => [0, Math.max(10, max * 1.1)] },
        s: { range: (u, min, max) => [0, Math.max(board.targetLagSeconds * 1.5, max * 1.1)] },
      },
    },
    [[]].concat(lagSeries.slice(1).map(() => [])),
    document.getElementById("lag"),
  );
  const replicas = new uPlot(
    {
      ...common(),
      series: replicaSeries,
      axes: [timeAxis(), { ...axis("replicas"), incrs: [1, 2, 5, 10, 20, 50] }],
      scales: { x: { time: false }, y: { range: (u, min, max) => [0, Math.max(2, Math.ceil(max) + 1.5)] } },
      plugins: [eventLabels()],
    },
    [[]].concat(replicaSeries.slice(1).map(() => [])),
    document.getElementById("replicas"),
  );
  window.addEventListener("resize", () => {
    for (const u of [rates, lag, replicas]) u.setSize({ width: width(), height: HEIGHT });
  });
  return { rates, lag, replicas };
}

function draw(board) {
  if (chartsFor !== board.runs.length) {
    charts = makeCharts(board);
    chartsFor = board.runs.length;
  }
  const xs = seconds(board);
  const first = board.runs[0];
  const rates = [xs, first ? column(first, "targetRate", xs) : xs.map(() => null)];
  const lag = [xs, xs.map(() => board.targetLagSeconds)];
  const replicas = [xs];
  for (const run of board.runs) {
    rates.push(column(run, "arrivalRate", xs), column(run, "consumptionRate", xs));
    lag.push(column(run, "lag", xs), column(run, "timeLagSeconds", xs));
    replicas.push(column(run, "desired", xs), column(run, "ready", xs), eventColumn(run, xs));
  }
  charts.rates.setData(rates);
  charts.lag.setData(lag);
  charts.replicas.setData(replicas);
}

function text(tag, content, cls) {
  const el = document.createElement(tag);
  el.textContent = content;
  if (cls) el.className = cls;
  return el;
}

function tag(policy, i) {
  const el = text("span", policy, "tag");
  el.style.background = color(i);
  return el;
}

function last(values) {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i];
  return null;
}

function header(board) {
  document.getElementById("title").textContent = board.title;
  document.title = board.title;
  const runs = document.getElementById("runs");
  runs.textContent = "";
  board.runs.forEach((run, i) => {
    const el = text("span", "", "run");
    el.append(tag(run.policy, i), " ");
    const s = run.series;
    if (run.state === "starting") {
      el.append(run.note || "starting");
    } else {
      const fmt = (v, d) => (v === null ? "?" : Number(v).toFixed(d));
      el.append(
        `${run.state === "done" ? "done" : "running"} at ${last(s.second) ?? 0} s of ${board.plannedSeconds} s: ` +
          `replicas ${fmt(last(s.desired), 0)} desired, ${fmt(last(s.ready), 0)} ready; ` +
          `time lag ${fmt(last(s.timeLagSeconds), 1)} s (target ${board.targetLagSeconds} s)`,
      );
    }
    if (run.traceUrl) {
      const a = text("a", "trace");
      a.id = "trace";
      a.href = run.traceUrl;
      a.target = "_blank";
      el.append(" ", a);
    }
    runs.append(el);
  });
}

function decisionLog(board) {
  const body = document.querySelector("#decisions tbody");
  body.textContent = "";
  for (let i = board.runs.length - 1; i >= 0; i--) {
    const run = board.runs[i];
    for (let k = run.decisions.length - 1; k >= 0; k--) {
      const d = run.decisions[k];
      const row = document.createElement("tr");
      if (d.change) row.className = "change";
      const policy = document.createElement("td");
      policy.append(tag(run.policy, i));
      row.append(
        policy,
        text("td", String(d.second), "num"),
        text("td", d.change ?? (d.desired === null ? "?" : String(d.desired)), "num"),
        text("td", d.reason, "reason"),
        text("td", d.explanation || ""),
      );
      body.append(row);
    }
  }
}

async function refresh() {
  const status = document.getElementById("connection");
  try {
    const response = await fetch("runs.json", { cache: "no-store" });
    if (!response.ok) throw new Error(`runs.json answered ${response.status}`);
    board = await response.json();
    header(board);
    draw(board);
    decisionLog(board);
    status.textContent = `updated ${new Date().toLocaleTimeString()}`;
    status.className = "";
  } catch (e) {
    // The run ended (or was stopped): keep the last picture.
    status.textContent = `not updating: ${e.message} (the run has probably ended)`;
    status.className = "lost";
  }
}

refresh();
setInterval(refresh, 1000);

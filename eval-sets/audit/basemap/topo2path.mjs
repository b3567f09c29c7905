// topo2path.mjs — TopoJSON land (world-atlas land-110m.json) to one SVG path
// in the plate carrée frame the audit report draws: x = longitude + 180 in
// [0, 360], y = 90 - latitude in [0, 180]. Coordinates are rounded to 0.2
// degree and repeated points dropped (a simplification invisible at the
// report's 720 x 360 pixels). Usage: node topo2path.mjs land-110m.json
import { readFileSync } from "node:fs";

const topo = JSON.parse(readFileSync(process.argv[2], "utf8"));
const [sx, sy] = topo.transform ? topo.transform.scale : [1, 1];
const [tx, ty] = topo.transform ? topo.transform.translate : [0, 0];

// Decode the delta-encoded, quantized arcs into longitude/latitude points.
const arcs = topo.arcs.map((arc) => {
  let x = 0, y = 0;
  return arc.map(([dx, dy]) => {
    x += dx;
    y += dy;
    return topo.transform ? [x * sx + tx, y * sy + ty] : [dx, dy];
  });
});

// A ring is a list of arc indices; a negative index ~i is arc i reversed.
function ring(indices) {
  const pts = [];
  for (const i of indices) {
    const a = i >= 0 ? arcs[i] : arcs[~i].slice().reverse();
    pts.push(...(pts.length ? a.slice(1) : a));
  }
  return pts;
}

const round = (v) => Math.round(v * 5) / 5;
const fmt = (v) => String(round(v));
let out = "";
function emit(r) {
  let prev = null, d = "", n = 0;
  for (const [lon, lat] of ring(r)) {
    const x = fmt(lon + 180), y = fmt(90 - lat);
    if (prev && prev[0] === x && prev[1] === y) continue;
    d += (n ? "L" : "M") + x + " " + y;
    prev = [x, y];
    n++;
  }
  if (n >= 3) out += d + "Z";
}
for (const g of topo.objects.land.geometries) {
  if (g.type === "Polygon") g.arcs.forEach(emit);
  else if (g.type === "MultiPolygon") g.arcs.forEach((p) => p.forEach(emit));
}
process.stdout.write(out + "\n");

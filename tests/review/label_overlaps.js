() => {
  const quads = [];
  for (const t of document.querySelectorAll('text')) {
    if (!t.textContent.trim()) continue;
    const b = t.getBBox(), m = t.getScreenCTM();
    if (!b.width || !m) continue;
    const pts = [[b.x, b.y], [b.x + b.width, b.y], [b.x + b.width, b.y + b.height], [b.x, b.y + b.height]]
      .map(([x, y]) => [m.a * x + m.c * y + m.e, m.b * x + m.d * y + m.f]);
    quads.push({s: t.textContent, pts});
  }
  const depth = (P, Q) => {  // smallest overlap over the separating axes of two rectangles
    let best = Infinity;
    for (const poly of [P, Q]) for (let i = 0; i < 4; i++) {
      const [x1, y1] = poly[i], [x2, y2] = poly[(i + 1) % 4];
      let nx = y2 - y1, ny = x1 - x2; const len = Math.hypot(nx, ny) || 1; nx /= len; ny /= len;
      const proj = R => R.map(([x, y]) => nx * x + ny * y);
      const a = proj(P), c = proj(Q);
      best = Math.min(best, Math.min(Math.max(...a), Math.max(...c)) - Math.max(Math.min(...a), Math.min(...c)));
    }
    return best;
  };
  const out = [];
  for (let i = 0; i < quads.length; i++) for (let j = i + 1; j < quads.length; j++) {
    const d = depth(quads[i].pts, quads[j].pts);
    if (d > 1) out.push([quads[i].s, quads[j].s, Math.round(d * 10) / 10]);
  }
  return out;
}
